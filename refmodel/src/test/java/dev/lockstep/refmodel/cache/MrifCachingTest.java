package dev.lockstep.refmodel.cache;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.pagetable.PagingScheme;
import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.TestSystem;
import dev.lockstep.refmodel.testutil.Dc;
import dev.lockstep.refmodel.testutil.PageTables;
import dev.lockstep.refmodel.testutil.Scenario;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * MRIF translations under the caching model (spec "Caching in-memory data structures"): the MRIF-mode
 * MSI PTE may be cached (tagged by GSCID and GPA, invalidated by IOTINVAL.GVMA) so an older MRIF
 * destination stays permitted until then; the MRIF's contents are data the IOMMU updates, not
 * translation state, so recording MSIs in it adds no versions.
 */
class MrifCachingTest {

    static final int DID = 0x21, GSCID = 1;
    static final long MSI_GPA = 0x2800_0000L;
    static final long MRIF_A = 0x7_0000_0000L, MRIF_B = 0x7_0000_0200L, NOTICE = 0x8_0000_0000L;

    final Scenario s;
    final TestSystem t;
    final long msiTable;
    final TranslationRequest msi = TranslationRequest.untranslatedWrite(DID, MSI_GPA, 3);

    MrifCachingTest() {
        Capabilities caps = Scenario.fullCaps(true).build();
        s = new Scenario(caps, IommuMode.LVL1);
        PageTables g = s.gStage(PagingScheme.SV39);
        msiTable = s.alloc.page();
        s.writeDc(DID, new Dc().iohgatp(8, GSCID, g.rootPpn()).msi(1, msiTable >>> 12, 0, MSI_GPA >>> 12));
        s.write64(msiTable, mrifPte(MRIF_A), false);
        s.write64(msiTable + 8, ((NOTICE >>> 12) << 10) | 9, false);
        t = new TestSystem(IommuConfig.defaults(caps), true, s.mem);
        t.enableCq(4, false);
        t.enableFq(4, false);
        t.write(DDTP, s.ddtp());
    }

    static long mrifPte(long mrif) { return ((mrif >>> 9) << 7) | (1 << 1) | 1; }

    Set<Long> permittedMrifs() {
        Set<Long> out = new TreeSet<>();
        for (TranslationOutcome o : t.iommu.permittedOutcomes(msi)) out.add(o.mrif().address());
        return out;
    }

    @Test
    void an_older_mrif_destination_stays_permitted_until_iotinval_gvma() {
        t.iommu.softwareWrite64(msiTable, mrifPte(MRIF_B));
        assertEquals(Set.of(MRIF_A, MRIF_B), permittedMrifs());
        assertEquals(MRIF_B, t.iommu.translate(msi).mrif().address(), "current contents first");
        t.submit(Commands.iotinval(true, true, MSI_GPA, false, 0, true, GSCID, false, false),
                Commands.iofenceC(false, 0, 0, false, false, false));
        assertEquals(Set.of(MRIF_B), permittedMrifs());
    }

    @Test
    void recording_msis_in_the_mrif_adds_no_versions() {
        t.iommu.softwareWrite64(MRIF_A + 8, 1L << 3); // software enables identity 3
        TranslationOutcome first = t.iommu.translate(msi);
        assertFalse(first.fault(), first::toString);
        assertEquals(1L << 3, s.mem.load64(MRIF_A), "pending bit 3 set");
        assertEquals(1, t.sink.count("write kind=8"), "notice MSI sent");
        assertEquals(Set.of(first), t.iommu.permittedOutcomes(msi));
        assertEquals(first, t.iommu.translate(msi));
    }
}
