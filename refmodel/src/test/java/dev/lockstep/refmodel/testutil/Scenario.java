package dev.lockstep.refmodel.testutil;

import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.mem.SparseMemory;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.translate.Outcome;
import dev.lockstep.refmodel.translate.Request;
import dev.lockstep.refmodel.translate.Translator;
import dev.lockstep.refmodel.translate.TranslatorOptions;

/**
 * A test world built from the spec's data-structure formats: a sparse memory, a DDT of the chosen
 * mode, device contexts, process directories and page tables. Structures live in a table region at
 * {@link #TABLES}; when a G stage is built, that region is identity-mapped by it so first-stage
 * tables and PDTs are reachable at GPA == SPA.
 */
public final class Scenario {

    public static final long TABLES = 0x8000_0000L;

    public final Capabilities caps;
    public final SparseMemory mem = new SparseMemory();
    public final Allocator alloc = new Allocator(TABLES);
    public final IommuMode mode;
    public boolean be;
    public boolean gxl;
    public TranslatorOptions options = TranslatorOptions.defaults();
    private final long ddtRoot;
    private Translator translator;

    public Scenario(Capabilities caps, IommuMode mode) {
        this.caps = caps;
        this.mode = mode;
        this.ddtRoot = alloc.page();
    }

    public long ddtp() { return ((ddtRoot >>> 12) << 10) | mode.encoding; }
    public int fctl() { return (be ? 1 : 0) | (gxl ? 4 : 0); }

    private boolean ext() { return caps.extendedDeviceContext(); }

    public int ddi(int did, int i) {
        int b0 = ext() ? 6 : 7;
        return i == 0 ? did & ((1 << b0) - 1) : i == 1 ? (did >>> b0) & 0x1ff : did >>> (b0 + 9);
    }

    /** Address of the non-leaf DDT entry of {@code did} at level {@code level} (creating upper levels). */
    public long ddteAddress(int did, int level) {
        long table = ddtRoot;
        for (int i = mode.levels() - 1; i > level; i--) table = next(table + ddi(did, i) * 8L);
        return table + ddi(did, level) * 8L;
    }

    /** Address of the DC of {@code did}, creating valid non-leaf DDT entries as needed. */
    public long dcAddress(int did) {
        long table = ddtRoot;
        for (int i = mode.levels() - 1; i > 0; i--) table = next(table + ddi(did, i) * 8L);
        return table + (long) ddi(did, 0) * (ext() ? 64 : 32);
    }

    private long next(long entry) {
        long v = read64(entry, be);
        if ((v & 1) == 0) {
            v = ((alloc.page() >>> 12) << 10) | 1;
            write64(entry, v, be);
        }
        return ((v >>> 10) & ((1L << 44) - 1)) << 12;
    }

    public void writeDc(int did, Dc dc) {
        long a = dcAddress(did);
        long[] dw = dc.dwords(ext());
        for (int i = 0; i < dw.length; i++) write64(a + 8L * i, dw[i], be);
    }

    public long read64(long a, boolean bigEndian) {
        long v = mem.load64(a);
        return bigEndian ? Long.reverseBytes(v) : v;
    }

    public void write64(long a, long v, boolean bigEndian) {
        mem.store64(a, bigEndian ? Long.reverseBytes(v) : v);
    }

    /** First-stage tables (byte order {@code sbe}). */
    public PageTables firstStage(PagingScheme s, boolean sbe) {
        return new PageTables(mem, alloc, s, false, sbe);
    }

    /** Pages of the table region identity-mapped by {@link #gStage} with 4 KiB G-stage pages. */
    public static final int MAPPED_TABLE_PAGES = 256;

    /**
     * G-stage tables (fctl.BE byte order) that identity-map the first {@link #MAPPED_TABLE_PAGES}
     * pages of the table region with 4 KiB leaves, so every implicit access walks all G-stage levels.
     */
    public PageTables gStage(PagingScheme s) {
        PageTables g = new PageTables(mem, alloc, s, true, be);
        for (int i = 0; i < MAPPED_TABLE_PAGES; i++) {
            long a = TABLES + i * 4096L;
            g.map(a, a, 0, PageTables.RWX | PageTables.U | PageTables.A | PageTables.D);
        }
        return g;
    }

    /** A process directory of {@code pdtMode} (1 PD8, 2 PD17, 3 PD20), byte order {@code sbe}. */
    public Pdt pdt(int pdtMode, boolean sbe) { return new Pdt(pdtMode, sbe); }

    public final class Pdt {
        public final int pdtMode;
        public final boolean sbe;
        public final long root;

        Pdt(int pdtMode, boolean sbe) {
            this.pdtMode = pdtMode;
            this.sbe = sbe;
            this.root = alloc.page();
        }

        public long ppn() { return root >>> 12; }

        public int pdi(int pid, int i) { return i == 0 ? pid & 0xff : i == 1 ? (pid >>> 8) & 0x1ff : (pid >>> 17) & 7; }

        /** Address of the non-leaf PDT entry of {@code pid} at level {@code level}. */
        public long pdteAddress(int pid, int level) {
            long table = root;
            for (int i = pdtMode - 1; i > level; i--) table = nextPdt(table + pdi(pid, i) * 8L);
            return table + pdi(pid, level) * 8L;
        }

        public long pcAddress(int pid) {
            long table = root;
            for (int i = pdtMode - 1; i > 0; i--) table = nextPdt(table + pdi(pid, i) * 8L);
            return table + pdi(pid, 0) * 16L;
        }

        private long nextPdt(long entry) {
            long v = read64(entry, sbe);
            if ((v & 1) == 0) {
                v = ((alloc.page() >>> 12) << 10) | 1;
                write64(entry, v, sbe);
            }
            return ((v >>> 10) & ((1L << 44) - 1)) << 12;
        }

        /** Writes PC.ta = V | ENS | SUM | PSCID and PC.fsc = MODE | PPN. */
        public long writePc(int pid, boolean ens, boolean sum, int pscid, int fscMode, long fscPpn) {
            long a = pcAddress(pid);
            write64(a, 1 | (ens ? 2 : 0) | (sum ? 4 : 0) | ((long) pscid << 12), sbe);
            write64(a + 8, ((long) fscMode << 60) | fscPpn, sbe);
            return a;
        }
    }

    public Translator translator() {
        if (translator == null) translator = new Translator(caps, mem, options);
        return translator;
    }

    public Outcome translate(Request r) { return translator().translate(r, ddtp(), fctl()).copy(); }

    public Outcome read(int did, long iova) { return translate(Request.untranslated(did, iova, Ttyp.UNTRANSLATED_READ)); }
    public Outcome write(int did, long iova) { return translate(Request.untranslated(did, iova, Ttyp.UNTRANSLATED_WRITE)); }
    public Outcome exec(int did, long iova) { return translate(Request.untranslated(did, iova, Ttyp.UNTRANSLATED_EXEC)); }

    /** Capabilities with everything this model supports, 56-bit PAS, and optionally MSI_FLAT (extended DC). */
    public static Capabilities.Builder fullCaps(boolean msiFlat) {
        Capabilities.Builder b = Capabilities.builder().sv32().sv39().sv48().sv57().svpbmt().sv32x4().sv39x4().sv48x4().sv57x4()
                .amoHwad().ats().t2gpa().end().pas(56).pd8().pd17().pd20();
        if (msiFlat) b.msiFlat().msiMrif();
        return b;
    }
}
