cosim-bridge/src/test/rtl/lockstep_iommu.sv
