# The two commands a newcomer needs; each installs what it needs first.
.PHONY: run test screenshot

run:
	@scripts/run.sh

test:
	@scripts/test.sh

# docs/screenshot.png, taken under Xvfb through WebDriver.
screenshot:
	@scripts/test.sh --test e2e -- --ignored --exact docs_screenshot::the_readme_screenshot
