# The two commands a newcomer needs; each installs what it needs first.
.PHONY: run test screenshot package bench

run:
	@scripts/run.sh

test:
	@scripts/test.sh

# docs/screenshot.png, taken under Xvfb through WebDriver.
screenshot:
	@scripts/test.sh --test e2e -- --ignored --exact docs_screenshot::the_readme_screenshot

# The release .deb (target/package/oauth-console_<version>_<arch>.deb), built
# with the Tauri CLI from npm.
package:
	@scripts/package.sh >/dev/null

# Start time, memory, package size and network figures of the release app,
# beside an empty Tauri window and curl: one table, also in docs/bench.md.
bench:
	@scripts/bench.sh
