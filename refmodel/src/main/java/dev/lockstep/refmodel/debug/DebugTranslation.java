package dev.lockstep.refmodel.debug;

import static dev.lockstep.refmodel.regs.RegisterFile.*;

import dev.lockstep.refmodel.TranslationOutcome;
import dev.lockstep.refmodel.TranslationRequest;
import dev.lockstep.refmodel.fault.Ttyp;
import dev.lockstep.refmodel.regs.RegisterFile;
import java.util.function.Function;

/**
 * The debug translation-request interface (spec: "Debug support", tr_req_iova, tr_req_ctl,
 * tr_response). Setting tr_req_ctl.Go/Busy runs the translation process on the request as an
 * Untranslated request (faults go to the fault queue as usual, HPM counts it as Untranslated); this
 * model completes it synchronously, clearing Go/Busy and filling tr_response. NW=0 requests read and
 * write; Exe=1 requests read-for-execute (Exe=1 with NW=0 is UNSPECIFIED; this model requests execute).
 * On a fault, tr_response holds fault=1 and zeros (PBMT, S and PPN are UNSPECIFIED then). A superpage
 * is reported with its size in S/PPN (spec: tr_response range encoding).
 */
public final class DebugTranslation {

    private final RegisterFile regs;
    private final Function<TranslationRequest, TranslationOutcome> translate;

    public DebugTranslation(RegisterFile regs, Function<TranslationRequest, TranslationOutcome> translate) {
        this.regs = regs;
        this.translate = translate;
    }

    /** Called after software wrote tr_req_ctl: runs the request if Go/Busy is set. */
    public void afterControlWrite() {
        long ctl = regs.trReqCtl();
        if ((ctl & TR_CTL_GO) == 0) return;
        regs.hwCompleteDebugTranslation(response(translate.apply(request(ctl, regs.trReqIova()))));
    }

    static TranslationRequest request(long ctl, long iova) {
        boolean pv = (ctl & TR_CTL_PV) != 0;
        int ttyp = (ctl & TR_CTL_EXE) != 0 ? Ttyp.UNTRANSLATED_EXEC
                : (ctl & TR_CTL_NW) != 0 ? Ttyp.UNTRANSLATED_READ : Ttyp.UNTRANSLATED_WRITE;
        return new TranslationRequest((int) ((ctl & TR_CTL_DID_MASK) >>> 40), pv,
                pv ? (int) ((ctl & TR_CTL_PID_MASK) >>> 12) : 0, pv && (ctl & TR_CTL_PRIV) != 0, ttyp, iova);
    }

    /** tr_response for an outcome. */
    public static long response(TranslationOutcome o) {
        if (o.fault()) return TR_RSP_FAULT;
        long ppn = o.pa() >>> 12;
        long s = 0;
        if (o.pageShift() > 12) {
            int x = o.pageShift() - 13; // size = 2^(X+1) * 4 KiB
            ppn = (ppn & ~((1L << (x + 1)) - 1)) | ((1L << x) - 1);
            s = TR_RSP_S;
        }
        return ((long) (o.pbmt() & 3) << 7) | s | ((ppn << 10) & TR_RSP_PPN_MASK);
    }
}
