package dev.lockstep.refmodel.cache;

import static dev.lockstep.refmodel.regs.RegisterFile.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.command.Commands;
import dev.lockstep.refmodel.regs.IommuMode;
import dev.lockstep.refmodel.testsupport.TestSystem;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The permitted-outcome model (spec: caching; IOTINVAL note on old/new translations), over the small
 * stand-in translator; {@link CachingModelProcessTest} runs the same cases over the translation process.
 */
class CachingModelTest {

    private static final long DDT = 0x100000, ROOT = 0x101000, L1 = 0x102000, L0 = 0x103000;
    private static final int DID = 3, PSCID = 9;
    private static final long IOVA = 0x4000_3000L;

    protected final TestSystem s = newSystem();

    /** The system under test (overridden to use the full translation process). */
    protected TestSystem newSystem() { return TestSystem.standard(); }
    private final TranslationRequest req = TranslationRequest.untranslated(DID, IOVA, false);

    CachingModelTest() {
        s.enableCq(4, false);
        s.enableFq(4, false);
        s.write(DDTP, (DDT >>> 12) << 10 | IommuMode.LVL1.encoding);
        long dc = DDT + 32L * DID;
        s.iommu.softwareWrite64(dc + 16, (long) PSCID << 12);
        s.iommu.softwareWrite64(dc + 24, (8L << 60) | (ROOT >>> 12));
        s.iommu.softwareWrite64(dc, 1);
        s.iommu.softwareWrite64(ROOT + 8 * ((IOVA >>> 30) & 0x1ff), (L1 >>> 12) << 10 | 1);
        s.iommu.softwareWrite64(L1 + 8 * ((IOVA >>> 21) & 0x1ff), (L0 >>> 12) << 10 | 1);
        setLeaf(0x8000_0000L, 0);
        fence(Commands.iodirInvalDdt(false, 0), Commands.iotinval(false, false, 0, false, 0, false, 0, false, false));
    }

    private void setLeaf(long pa, int extra) {
        s.iommu.softwareWrite64(L0 + 8 * ((IOVA >>> 12) & 0x1ff), (pa >>> 12) << 10 | 0xd3 | extra);
    }

    private void fence(long[]... cmds) {
        long[][] all = java.util.Arrays.copyOf(cmds, cmds.length + 1);
        all[cmds.length] = Commands.iofenceC(false, 0, 0, false, false, false);
        s.submit(all);
    }

    private long paOf(TranslationOutcome o) { return o.pa() & ~0xfffL; }

    private Set<Long> permittedPas() {
        java.util.Set<Long> out = new java.util.TreeSet<>();
        for (TranslationOutcome o : s.iommu.permittedOutcomes(req)) out.add(o.fault() ? -1L : paOf(o));
        return out;
    }

    @Test
    void pageTableChangeWithoutInvalidationAcceptsOldAndNew() {
        setLeaf(0x9000_0000L, 0);
        assertEquals(Set.of(0x8000_0000L, 0x9000_0000L), permittedPas());
        assertEquals(0x9000_0000L, paOf(s.iommu.translate(req)), "translate() uses current memory");
    }

    @Test
    void completedInvalidationLeavesOnlyTheNew() {
        setLeaf(0x9000_0000L, 0);
        fence(Commands.iotinval(false, true, IOVA, true, PSCID, false, 0, false, false));
        assertEquals(Set.of(0x9000_0000L), permittedPas());
    }

    @Test
    void invalidationWithoutFenceDoesNotCollapse() {
        setLeaf(0x9000_0000L, 0);
        s.submit(Commands.iotinval(false, true, IOVA, true, PSCID, false, 0, false, false));
        assertEquals(2, permittedPas().size());
        s.submit(Commands.iofenceC(false, 0, 0, false, false, false));
        assertEquals(1, permittedPas().size());
    }

    @Test
    void invalidationsThatDoNotCoverKeepBoth() {
        setLeaf(0x9000_0000L, 0);
        fence(Commands.iotinval(false, true, IOVA + 0x1000, true, PSCID, false, 0, false, false), // other page
                Commands.iotinval(false, false, 0, true, PSCID + 1, false, 0, false, false),      // other PSCID
                Commands.iotinval(false, false, 0, false, 0, true, 0, false, false),              // GV=1: VM spaces
                Commands.iotinval(true, false, 0, false, 0, false, 0, false, false),              // GVMA: G stage
                Commands.iodirInvalDdt(false, 0));                                                // directory caches
        assertEquals(2, permittedPas().size());
    }

    @Test
    void rangeInvalidationCoversThePage() {
        setLeaf(0x9000_0000L, 0);
        long napot16k = (IOVA & ~0x3fffL) | 0x1000; // S=1: first 0 bit at position 1 -> 4 pages
        fence(Commands.iotinval(false, true, napot16k, true, PSCID, false, 0, false, true));
        assertEquals(1, permittedPas().size());
    }

    @Test
    void globalMappingSurvivesPscidInvalidation() {
        setLeaf(0x8000_0000L, 0x20);
        fence(Commands.iotinval(false, false, 0, false, 0, false, 0, false, false));
        setLeaf(0x9000_0000L, 0x20);
        fence(Commands.iotinval(false, true, IOVA, true, PSCID, false, 0, false, false));
        assertEquals(2, permittedPas().size(), "PSCV=1 does not cover global mappings");
        fence(Commands.iotinval(false, true, IOVA, false, 0, false, 0, false, false));
        assertEquals(1, permittedPas().size());
    }

    @Test
    void nonLeafChangeNeedsNlOrAddressLessInvalidation() {
        long l0b = 0x104000;
        s.iommu.softwareWrite64(l0b + 8 * ((IOVA >>> 12) & 0x1ff), (0x9000_0000L >>> 12) << 10 | 0xd3);
        s.iommu.softwareWrite64(L1 + 8 * ((IOVA >>> 21) & 0x1ff), (l0b >>> 12) << 10 | 1);
        fence(Commands.iotinval(false, true, IOVA, true, PSCID, false, 0, false, false));
        assertEquals(2, permittedPas().size(), "AV=1, NL=0 invalidates leaf entries only");
        fence(Commands.iotinval(false, true, IOVA, true, PSCID, false, 0, true, false));
        assertEquals(1, permittedPas().size(), "NL=1 covers the non-leaf entry too");
    }

    @Test
    void anOutcomeOlderThanTheLastCoveringInvalidationIsNotPermitted() {
        setLeaf(0x9000_0000L, 0);
        fence(Commands.iotinval(false, true, IOVA, true, PSCID, false, 0, false, false));
        setLeaf(0xa000_0000L, 0);
        assertEquals(Set.of(0x9000_0000L, 0xa000_0000L), permittedPas());
        TranslationOutcome old = TranslationOutcome.success(0x8000_0000L, TranslationOutcome.R, 0, 12);
        assertFalse(s.iommu.isPermitted(req, old));
        assertNull(s.iommu.translateAs(req, old));
    }

    @Test
    void aRetiredVersionIsToldWithTheInvalidationThatRetiredIt() {
        setLeaf(0x9000_0000L, 0);
        fence(Commands.iotinval(false, true, IOVA, true, PSCID, false, 0, false, false));
        java.util.List<CachingModel.RetiredCandidate> retired = s.iommu.retiredCandidates(req);
        assertEquals(1, retired.size());
        assertEquals(0x8000_0000L, paOf(retired.get(0).outcome()));
        assertEquals("first-stage leaf PTE retired by IOTINVAL.VMA of one address and IOFENCE.C",
                retired.get(0).retirement().toString());
        assertEquals(Set.of(0x9000_0000L), permittedPas(), "asking leaves the permitted set as it was");
        assertEquals(0x9000_0000L, paOf(s.iommu.translate(req)));
    }

    @Test
    void aVersionStillPermittedIsNotRetired() {
        setLeaf(0x9000_0000L, 0);
        s.submit(Commands.iotinval(false, true, IOVA, true, PSCID, false, 0, false, false));
        assertTrue(s.iommu.retiredCandidates(req).isEmpty(), "no fence: the old version is stale but permitted");
    }

    @Test
    void onlyTheNewestRetiredVersionIsOffered() {
        setLeaf(0x9000_0000L, 0);
        fence(Commands.iotinval(false, false, 0, false, 0, false, 0, false, false));
        setLeaf(0xa000_0000L, 0);
        fence(Commands.iotinval(false, false, 0, false, 0, false, 0, false, false));
        java.util.List<CachingModel.RetiredCandidate> retired = s.iommu.retiredCandidates(req);
        assertEquals(1, retired.size(), "a cache that kept its entry holds the version the last invalidation missed");
        assertEquals(0x9000_0000L, paOf(retired.get(0).outcome()));
        assertEquals("IOTINVAL.VMA of all addresses", retired.get(0).retirement().command());
    }

    @Test
    void invalidOldEntriesAreNeverCached() {
        s.iommu.softwareWrite64(L0 + 8 * ((IOVA >>> 12) & 0x1ff), 0);
        fence(Commands.iotinval(false, true, IOVA, true, PSCID, false, 0, false, false));
        setLeaf(0x9000_0000L, 0); // map over an invalid PTE: no invalidation needed
        assertEquals(Set.of(0x9000_0000L), permittedPas());
    }

    @Test
    void deviceContextChangeNeedsIodirForThatDevice() {
        s.iommu.softwareWrite64(DDT + 32L * DID + 24, 0); // iosatp Bare: identity
        assertEquals(Set.of(0x8000_0000L, IOVA), permittedPas());
        fence(Commands.iodirInvalDdt(true, DID + 1), Commands.iotinval(false, false, 0, false, 0, false, 0, false, false));
        assertEquals(2, permittedPas().size(), "other device and IOTINVAL do not cover the DC");
        fence(Commands.iodirInvalDdt(true, DID));
        assertEquals(Set.of(IOVA), permittedPas());
    }

    @Test
    void translateAsFollowsAStaleHitAndCountsIt() {
        setLeaf(0x9000_0000L, 0);
        TranslationOutcome old = TranslationOutcome.success(0x8000_0000L, TranslationOutcome.R, 0, 12);
        assertTrue(s.iommu.isPermitted(req, old));
        assertEquals(old, s.iommu.translateAs(req, old));
        assertEquals(1, s.iommu.caching().staleHits());
        TranslationOutcome fresh = s.iommu.translate(req);
        assertEquals(fresh, s.iommu.translateAs(req, fresh));
        assertEquals(1, s.iommu.caching().staleHits());
    }

    @Test
    void resetEmptiesTheCaches() {
        setLeaf(0x9000_0000L, 0);
        s.iommu.reset();
        s.enableCq(4, false);
        s.write(DDTP, (DDT >>> 12) << 10 | IommuMode.LVL1.encoding);
        assertEquals(Set.of(0x9000_0000L), permittedPas());
    }
}
