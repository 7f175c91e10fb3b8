package dev.lockstep;

import dev.lockstep.refmodel.regs.Capabilities;
import dev.lockstep.refmodel.regs.IommuConfig;

/** Configurations shared by the bridge's tests. */
public final class TestConfigs {
    private TestConfigs() {}

    /** Sv39/Sv48 first stage, Sv39x4/Sv48x4 G stage, MSI flat, WSI only, 56-bit physical addresses. */
    public static IommuConfig typical() {
        Capabilities caps = Capabilities.builder().sv39().sv48().sv39x4().sv48x4().msiFlat().amoHwad()
                .igs(Capabilities.IGS_WSI).pas(56).pd8().pd17().pd20().build();
        return IommuConfig.defaults(caps);
    }
}
