# Lockstep front door. `make run`: a lockstep regression of the Java model against the built-in RTL
# IOMMU. `make test`: every test. The RTL is rebuilt only when its sources or the harness change.
SHELL := /bin/bash
.DEFAULT_GOAL := run

MVN       ?= mvn
MVN_FLAGS ?= -B -q
BUILD     := build
DUT_DIR   ?= $(BUILD)/dut
DUT_LIB   := $(DUT_DIR)/liblockstep_stub.so
OBJ       := $(DUT_DIR)/obj
CPP       := cosim-bridge/src/main/cpp
RTL_LIST  ?= rtl-stubs/files.f
RTL_SRCS   = $(shell cat $(RTL_LIST) 2>/dev/null)
HARNESS   := $(CPP)/verilator_harness.cpp $(CPP)/lockstep_harness_common.h $(CPP)/lockstep_dut.h $(CPP)/lockstep_vl_hooks.h $(CPP)/lockstep.map \
             $(CPP)/lockstep_waves.h $(CPP)/lockstep_scope.sv
# The waveform format the library writes (--waves): Verilator 5.006 Verilates a model for VCD (--trace) or
# for FST (--trace-fst), not both; the FST variant is build/dut-fst/ (make fst-dut), built when asked for.
TRACE     ?= vcd
FST        = $(filter fst,$(TRACE))
TRACE_FLAG = $(if $(FST),--trace-fst,--trace)
TRACE_OBJ  = $(if $(FST),verilated_fst_c.o,verilated_vcd_c.o)
SCOPE     := $(DUT_DIR)/scope
JAR       := cosim-bridge/target/cosim-bridge-0.1.0.jar
JAVA_SRCS  = $(shell find refmodel/src/main cosim-bridge/src/main -name '*.java') pom.xml refmodel/pom.xml cosim-bridge/pom.xml
VL_FLAGS  := -CFLAGS "-fPIC -O2 -DVL_USER_FATAL -DVL_USER_STOP -DVL_USER_FINISH -include $(abspath $(CPP))/lockstep_vl_hooks.h"

RUN_ARGS  ?= --dut stub --jobs 2 --coverage-goal 100 --count 200 --out out/run --replace

.PHONY: run test build dut fatal-dut fst-dut sv-log-tb lint bench verilator chromium clean help

help:
	@echo "make run    - build everything and run the default lockstep regression ($(RUN_ARGS))"
	@echo "make test   - build everything and run every test"
	@echo "make bench  - golden-model throughput (JMH), then the co-simulation serialized and with overlap: throughput and the checker's overhead"
	@echo "make dut    - build the Verilated DUT library $(DUT_LIB)"
	@echo "make sv-log-tb - build the SystemVerilog testbench that writes a seed log with rtl-stubs/log/lockstep_log_pkg.sv"
	@echo "make lint   - verilator --lint-only -Wall on the RTL, its AXI wrapper and the wrapper template"

run: build dut
	bin/lockstep run $(RUN_ARGS)

# Not quiet: Surefire's per-class and closing "Tests run:" lines are the test report CI reads.
# verify, not install: the reactor resolves refmodel from its own target/, nothing goes to ~/.m2.
test: verilator chromium dut fatal-dut sv-log-tb
	$(MVN) -B -ntp verify

# A second Verilated DUT whose RTL calls $fatal, for the failure-handling tests.
fatal-dut: verilator
	@$(MAKE) -s dut RTL_LIST=cosim-bridge/src/test/rtl/files.f DUT_DIR=$(BUILD)/fatal-dut

# The built-in DUT writing FST waveforms (run/replay --waves FILE.fst build it on demand through this target).
fst-dut: verilator
	@$(MAKE) -s dut TRACE=fst DUT_DIR=$(BUILD)/dut-fst

# The SystemVerilog testbench that drives its own stimulus into the built-in DUT and writes the seed
# log with the log-writer package (docs/sv-log-writer.md); unoptimized C++, it runs for a fraction of a second.
SV_LOG_TB      := $(BUILD)/sv-log-tb/lockstep_log_tb
SV_LOG_SRCS    := rtl-stubs/log/lockstep_log_pkg.sv rtl-stubs/log/tb/lockstep_log_tb.sv
SV_LOG_FLAGS   := --binary --timing -Wall --timescale 1ns/1ps -j 2 \
  -MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0" --top-module lockstep_log_tb

sv-log-tb: verilator $(SV_LOG_TB)

$(SV_LOG_TB): $(SV_LOG_SRCS) rtl-stubs/files.f $(shell cat rtl-stubs/files.f) Makefile
	@mkdir -p $(dir $@)
	verilator $(SV_LOG_FLAGS) -f rtl-stubs/files.f $(SV_LOG_SRCS) -Mdir $(dir $@)obj -o ../lockstep_log_tb \
	  >$(dir $@)verilator.log 2>&1 || { tail -40 $(dir $@)verilator.log; exit 1; }

build: $(JAR)

$(JAR): $(JAVA_SRCS)
	$(MVN) $(MVN_FLAGS) package -DskipTests
	@touch $@

dut: verilator $(DUT_LIB)

# Verilator is taken from Debian (5.006); installed here when missing and we are root.
# The report.html test opens the page in Debian's headless chromium; installed here when missing and we are root.
chromium:
	@[ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "chromium not found: installing Debian's chromium package (the report.html test opens it headless)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null || exit 1; \
	  else \
	    echo "chromium is missing: install it with 'sudo apt-get install -y chromium' and run make test again" >&2; exit 1; \
	  fi; }

verilator:
	@command -v verilator >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Verilator not found: installing Debian's verilator package"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq verilator) >/dev/null || exit 1; \
	  else \
	    echo "Verilator is missing: install it with 'sudo apt-get install -y verilator' and run make again" >&2; exit 1; \
	  fi; }

$(DUT_LIB): $(RTL_LIST) $(RTL_SRCS) $(HARNESS) Makefile
	@mkdir -p $(DUT_DIR)
	verilator --cc $(TRACE_FLAG) -Wall -O3 --top-module lockstep_iommu -f $(RTL_LIST) \
	  --Mdir $(OBJ) $(VL_FLAGS) >$(DUT_DIR)/verilator.log 2>&1 \
	  || { tail -40 $(DUT_DIR)/verilator.log; exit 1; }
	$(MAKE) -s -C $(OBJ) -f Vlockstep_iommu.mk -j 2 OPT_FAST=-O2 OPT_SLOW=-O1 \
	  Vlockstep_iommu__ALL.a verilated.o $(TRACE_OBJ) verilated_threads.o >>$(DUT_DIR)/verilator.log 2>&1 \
	  || { tail -40 $(DUT_DIR)/verilator.log; exit 1; }
	verilator --cc $(TRACE_FLAG) -Wall -O3 --top-module lockstep_scope $(CPP)/lockstep_scope.sv \
	  --Mdir $(SCOPE) $(VL_FLAGS) >>$(DUT_DIR)/verilator.log 2>&1 \
	  || { tail -40 $(DUT_DIR)/verilator.log; exit 1; }
	$(MAKE) -s -C $(SCOPE) -f Vlockstep_scope.mk OPT_FAST=-O2 OPT_SLOW=-O1 Vlockstep_scope__ALL.a >>$(DUT_DIR)/verilator.log 2>&1 \
	  || { tail -40 $(DUT_DIR)/verilator.log; exit 1; }
	$(eval BUILD_ID := lockstep_iommu rtl:$(shell cat $(RTL_LIST) $(RTL_SRCS) | sha256sum | cut -c1-12) harness:$(shell cat $(HARNESS) | sha256sum | cut -c1-12) $(shell verilator --version | cut -d' ' -f1-2))
	g++ -std=c++17 -O2 -fPIC -Wall -Wextra -DVL_USER_FATAL -DVL_USER_STOP -DVL_USER_FINISH $(if $(FST),-DLOCKSTEP_TRACE_FST) \
	  -include $(CPP)/lockstep_vl_hooks.h -DLOCKSTEP_BUILD_ID='"$(BUILD_ID)"' \
	  -I$(OBJ) -I$(SCOPE) -isystem /usr/share/verilator/include -isystem /usr/share/verilator/include/vltstd \
	  -c $(CPP)/verilator_harness.cpp -o $(DUT_DIR)/verilator_harness.o
	g++ -shared -o $@.tmp $(DUT_DIR)/verilator_harness.o $(OBJ)/Vlockstep_iommu__ALL.a $(SCOPE)/Vlockstep_scope__ALL.a \
	  $(OBJ)/verilated.o $(OBJ)/$(TRACE_OBJ) $(OBJ)/verilated_threads.o \
	  -Wl,--version-script=$(CPP)/lockstep.map -Wl,--no-undefined -pthread $(if $(FST),-lz)
	mv $@.tmp $@

lint: verilator
	verilator --lint-only -Wall --top-module lockstep_iommu -f $(RTL_LIST)
	verilator --lint-only -Wall rtl-stubs/log/lockstep_log_pkg.sv
	verilator --lint-only -Wall --timing --timescale 1ns/1ps --top-module lockstep_log_tb -f rtl-stubs/files.f $(SV_LOG_SRCS)
	$(MAKE) -s -C rtl-stubs axi-lint

# Golden model throughput (JMH: Bare, Sv39 4 KiB, PD20 + Sv57 over Sv57x4), then the co-simulation at two
# overlap depths, serialized (1) and the DUT's (auto, 4): translations per second and per simulated cycle,
# and what checking costs at each depth (the same stimulus with and without the model: ratio of wall and
# CPU times). BENCH_ARGS passes options to bin/lockstep bench, e.g. BENCH_ARGS="--seeds 10 --rounds 2".
# The JMH run is pinned to CPU 1 when there is more than one (the model's target is per core).
BENCH_CPU  ?= $(shell [ "$$(nproc)" -gt 1 ] && echo 1)
BENCH_ARGS ?=

bench: build dut
	CPU=$(BENCH_CPU) refmodel/bench.sh
	bin/lockstep bench $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) out
	$(MVN) $(MVN_FLAGS) clean
