package dev.lockstep.triage;

import dev.lockstep.refmodel.fault.Cause;

/**
 * The steps of the spec's "Process to translate an IOVA", in the order a translation goes through them,
 * as coarse as a DUT's answer can show: its fault cause names the step it stopped at. Comparing the step
 * the DUT stopped at with the step the model's deciding rule belongs to tells where the two parted:
 * a DUT that stopped at a step the model went through has its bug in that step, whatever the model found
 * later (which depends on the seed's tables).
 */
public enum TranslationStep {
    /** ddtp mode, device_id width (steps 1-5). */
    REQUEST("request"),
    /** The DDT walk and the device-context checks (GET_DC, DC_MISCONFIG, steps 6-7). */
    DEVICE_CONTEXT("device context"),
    /** The PDT walk and the process-context checks (GET_PC, PC_MISCONFIG, steps 8-16). */
    PROCESS_CONTEXT("process context"),
    /** First stage, MSI address check and G stage (steps 17-20). */
    ADDRESS_TRANSLATION("address translation"),
    /** The translation completed. */
    COMPLETED("completed");

    private final String text;

    TranslationStep(String text) { this.text = text; }

    @Override
    public String toString() { return text; }

    /** The step a rule of the model's translation process (a {@code Rule} name) belongs to. */
    public static TranslationStep ofRule(String rule) {
        if (rule.startsWith("MODE_") || rule.equals("DEVICE_ID_TOO_WIDE")) return REQUEST;
        if (rule.startsWith("DDTE_") || rule.startsWith("DC_") || rule.startsWith("MESSAGE_")
                || rule.equals("ATS_DISABLED") || rule.startsWith("PID_")) {
            return DEVICE_CONTEXT;
        }
        if (rule.startsWith("PDTE_") || rule.startsWith("PC_") || rule.startsWith("PDT_")
                || rule.equals("SUPERVISOR_WITHOUT_ENS")) {
            return PROCESS_CONTEXT;
        }
        return ADDRESS_TRANSLATION;
    }

    /**
     * The step a fault cause is reported from (spec: "Fault/Event-Queue", table of causes); cause 260
     * (transaction type disallowed) is checked at several steps, so it takes {@code ruleStep}, the step
     * of the model's rule, when that rule gives 260 too, else the device context's checks.
     */
    public static TranslationStep ofCause(int cause, TranslationStep ruleStep, int ruleCause) {
        switch (cause) {
            case Cause.ALL_INBOUND_DISALLOWED:
                return REQUEST;
            case Cause.TRANSACTION_TYPE_DISALLOWED:
                return ruleCause == cause ? ruleStep : DEVICE_CONTEXT;
            case Cause.DDT_LOAD_ACCESS_FAULT: case Cause.DDT_ENTRY_NOT_VALID: case Cause.DDT_ENTRY_MISCONFIGURED:
            case Cause.DDT_DATA_CORRUPTION:
                return DEVICE_CONTEXT;
            case Cause.PDT_LOAD_ACCESS_FAULT: case Cause.PDT_ENTRY_NOT_VALID: case Cause.PDT_ENTRY_MISCONFIGURED:
            case Cause.PDT_DATA_CORRUPTION:
                return PROCESS_CONTEXT;
            default:
                return ADDRESS_TRANSLATION;
        }
    }

    /**
     * The order of a context's checks within its step, by the cause each gives: the entry's load (access
     * fault, data corruption), then V, then the misconfiguration checks, then which requests the context
     * allows (spec: GET_DC steps 3-9, DC_MISCONFIG, P2IOVA step 7; GET_PC steps 5-11, PC_MISCONFIG, step
     * 15); -1 for a cause not ranked so.
     */
    public static int checkRank(int cause) {
        switch (cause) {
            case Cause.DDT_LOAD_ACCESS_FAULT: case Cause.DDT_DATA_CORRUPTION:
            case Cause.PDT_LOAD_ACCESS_FAULT: case Cause.PDT_DATA_CORRUPTION:
                return 0;
            case Cause.DDT_ENTRY_NOT_VALID: case Cause.PDT_ENTRY_NOT_VALID:
                return 1;
            case Cause.DDT_ENTRY_MISCONFIGURED: case Cause.PDT_ENTRY_MISCONFIGURED:
                return 2;
            case Cause.TRANSACTION_TYPE_DISALLOWED:
                return 3;
            default:
                return -1;
        }
    }

    /**
     * Whether the DUT, answering {@code dutCause} at {@code dutStep}, stopped before the model's rule (of
     * {@code ruleStep}, giving {@code ruleCause}): at an earlier step, or in a context's step at a check
     * that comes before the model's.
     */
    public static boolean stoppedBefore(TranslationStep dutStep, int dutCause, TranslationStep ruleStep, int ruleCause) {
        if (dutStep.compareTo(ruleStep) != 0) return dutStep.compareTo(ruleStep) < 0;
        if (dutStep != DEVICE_CONTEXT && dutStep != PROCESS_CONTEXT) return false;
        int dut = checkRank(dutCause);
        int rule = checkRank(ruleCause);
        return dut >= 0 && rule >= 0 && dut < rule;
    }
}
