package dev.lockstep.refmodel.bench;

import static dev.lockstep.refmodel.testutil.PageTables.*;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.FastSparseMemory;
import dev.lockstep.refmodel.mem.SparseMemory;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Translator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Translations per second of the golden model, one thread, no caching (every structure is read from
 * memory on every translation):
 * <ul>
 * <li>{@code bare}: ddtp.iommu_mode = Bare;</li>
 * <li>{@code sv39}: 1-level DDT, single-stage Sv39, 4 KiB page (4 DC reads + 3 PTE reads);</li>
 * <li>{@code worstCase}: 3-level DDT, PD20 PDT and Sv57 first stage over Sv57x4 with 4 KiB
 *     G-stage pages, so each PDT and first-stage access walks all 5 G-stage levels (2 + 4 DC, 3 x 5 +
 *     4 PDT/PC, 5 x 5 + 5 first-stage, 5 final G-stage: 60 reads).</li>
 * </ul>
 * Run: see {@link #main}. Add {@code -prof gc} to check gc.alloc.rate.norm (allocation per translation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TranslationBenchmark {

    static final int DID = 0xabcde;
    static final long VA = 0x00ab_cdef_1234_5abcL;
    static final long GPA = 0x1_2345_6000L;

    Translator bareT, sv39T, worstT;
    Request bareR, sv39R, worstR;
    long bareDdtp, sv39Ddtp, worstDdtp;

    @Setup
    public void setUp() {
        // Bare
        Scenario b = new Scenario(Scenario.fullCaps(false).build(), IommuMode.BARE);
        bareT = new Translator(b.caps, copy(b.mem));
        bareR = Request.untranslated(DID, VA, Ttyp.UNTRANSLATED_READ);
        bareDdtp = b.ddtp();
        // Single-stage Sv39, 4 KiB
        Scenario s = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL1);
        PageTables fs = s.firstStage(PagingScheme.SV39, false);
        s.writeDc(5, new Dc().fsc(8, fs.rootPpn()));
        fs.map(0x12_3456_7000L, 0x2_0000_0000L, 0, R | W | U | A | D);
        sv39T = new Translator(s.caps, copy(s.mem));
        sv39R = Request.untranslated(5, 0x12_3456_7abcL, Ttyp.UNTRANSLATED_READ);
        sv39Ddtp = s.ddtp();
        // Worst case: PD20 + Sv57 over Sv57x4
        Scenario w = new Scenario(Scenario.fullCaps(false).build(), IommuMode.LVL3);
        PageTables g = w.gStage(PagingScheme.SV57);
        PageTables f = w.firstStage(PagingScheme.SV57, false);
        Scenario.Pdt pdt = w.pdt(3, false);
        pdt.writePc(0xfedcb, false, false, 1, 10, f.rootPpn());
        w.writeDc(DID, new Dc().tc(Dc.PDTV).fsc(3, pdt.ppn()).iohgatp(10, 7, g.rootPpn()));
        f.map(VA, GPA, 0, R | W | U | A | D);
        g.map(GPA, 0x7_0000_0000L, 0, R | W | U | A | D);
        worstT = new Translator(w.caps, copy(w.mem));
        worstR = Request.untranslated(DID, VA, Ttyp.UNTRANSLATED_READ).withProcess(0xfedcb, false);
        worstDdtp = w.ddtp();
        check(bareT.translate(bareR, bareDdtp, 0), 0);
        check(sv39T.translate(sv39R, sv39Ddtp, 0), 4 + 3);
        check(worstT.translate(worstR, worstDdtp, 0), 2 + 4 + 3 * 5 + 4 + 5 * 6 + 5);
    }

    private static void check(Outcome o, int reads) {
        if (!o.isSuccess() || o.trace().readCount() != reads) {
            throw new IllegalStateException("benchmark scenario is wrong (" + o.trace().readCount() + " reads):\n" + o);
        }
    }

    /** The same image in a memory whose loads never allocate. */
    static FastSparseMemory copy(SparseMemory from) {
        FastSparseMemory to = new FastSparseMemory();
        for (long pn : from.pageNumbers()) {
            for (int i = 0; i < 512; i++) {
                long a = (pn << 12) + i * 8L;
                long v = from.load64(a);
                if (v != 0) to.store64(a, v);
            }
        }
        return to;
    }

    @Benchmark
    public Outcome bare() { return bareT.translate(bareR, bareDdtp, 0); }

    @Benchmark
    public Outcome sv39() { return sv39T.translate(sv39R, sv39Ddtp, 0); }

    @Benchmark
    public Outcome worstCase() { return worstT.translate(worstR, worstDdtp, 0); }

    /**
     * {@code java -cp <test classpath> dev.lockstep.refmodel.bench.TranslationBenchmark [JMH options, e.g. -prof gc]}.
     */
    public static void main(String[] args) throws Exception {
        CommandLineOptions cmd = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cmd);
        // A regex on the command line (e.g. "worstCase") picks benchmarks; without one, all of these.
        if (cmd.getIncludes().isEmpty()) options.include(TranslationBenchmark.class.getName());
        new Runner(options.build()).run();
    }
}
