# The two commands of README.md. Everything else is CMake (CMakeLists.txt).
BUILD_DIR ?= build
TEST_BUILD_DIR ?= build-test
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
MAKEFLAGS += --no-print-directory

.PHONY: run test test-deploy build bootstrap bench clean

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD_DIR) -DSHANHAI_WERROR=ON >/dev/null
	@echo "building in $(BUILD_DIR) (log: $(BUILD_DIR)/build.log)"
	@cmake --build $(BUILD_DIR) -j $(JOBS) >$(BUILD_DIR)/build.log 2>&1 \
	  || { tail -n 40 $(BUILD_DIR)/build.log; exit 1; }

# Starts redis-server and the four services on loopback, loads the sample registry, and stays
# until Ctrl-C, which stops all of them.
run: build
	@SHANHAI_BUILD_DIR=$(BUILD_DIR) scripts/run

# Builds with AddressSanitizer and UndefinedBehaviorSanitizer, warnings as errors, and runs
# every unit and integration test.
test: bootstrap
	@cmake -S . -B $(TEST_BUILD_DIR) -DSHANHAI_SANITIZE=ON -DSHANHAI_WERROR=ON >/dev/null
	@cmake --build $(TEST_BUILD_DIR) -j $(JOBS)
	@cd $(TEST_BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The compose deployment, built and proved with a real container engine (tests/deploy/).
test-deploy:
	@tests/deploy/compose.sh

bench: build
	@SHANHAI_BUILD_DIR=$(BUILD_DIR) bench/run

clean:
	rm -rf $(BUILD_DIR) $(TEST_BUILD_DIR)
