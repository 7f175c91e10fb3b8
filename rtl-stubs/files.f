rtl-stubs/iommu_pkg.sv
rtl-stubs/iommu_regfile.sv
rtl-stubs/lockstep_iommu.sv
