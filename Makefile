# LiveRoute — every command a developer needs. Each target first installs what
# is missing (scripts/deps), so a fresh Debian/Ubuntu machine needs only make.
export LANG := en_US.UTF-8
GO ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
# The fuzz targets `make fuzz` runs, 30 s each.
FUZZ_TARGETS := ./fbclient:FuzzDecodeError ./fbclient:FuzzDecodeBatch ./fbclient:FuzzParseUsage ./fbclient:FuzzDecodePaging

.PHONY: run demo test bench fuzz lint package icons build deps

## run: build and start LiveRoute
run:
	scripts/deps build
	$(GO) run .

## demo: start LiveRoute against a built-in fake Facebook, in a separate demo profile
demo:
	scripts/deps build
	$(GO) run . --demo

## test: the whole suite, race detector on, inside a private D-Bus, keychain and X display
test:
	scripts/deps test
	@report=$$(mktemp); \
	LIVEROUTE_TEST_REPORT=$$report scripts/test-env $(GO) test -race -count=1 -timeout 45m ./...; status=$$?; \
	cat $$report; rm -f $$report; exit $$status

## bench: the benchmarks, reported as ratios against baselines measured in the same run:
## the Go benchmarks, then the desktop's cost (RSS, CPU, wake-ups, window open time;
## SETTLE=20 SAMPLE=60 by default, table in bench-desktop.md)
bench:
	scripts/deps test
	scripts/test-env scripts/bench
	scripts/test-env scripts/bench-desktop

## fuzz: each fuzz target for 30 seconds
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$fn ($$pkg)"; \
		$(GO) test -run='^$$' -fuzz="^$$fn$$" -fuzztime=30s $$pkg; \
	done

## lint: gofmt, go.mod tidy, go vet, staticcheck and the layers' import rules (docs/architecture.md)
lint:
	scripts/deps build
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) test -count=1 -run '^TestLayersImportOnlyDownward$$' .

## build: the binary, ./liveroute
build:
	scripts/deps build
	$(GO) build -o liveroute .

## package: the platform package (fyne package) in dist/, built from a copy so
## FyneApp.toml's build number never dirties the tree
package:
	scripts/deps build
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
		git ls-files -z | xargs -0 -I{} cp --parents {} "$$tmp"; \
		(cd "$$tmp" && $(GO) run $(FYNE_TOOL) package --release); \
		mkdir -p dist; find "$$tmp" -maxdepth 1 \( -name '*.tar.xz' -o -name '*.app' -o -name '*.exe' \) -exec cp -r {} dist/ \; ; \
		ls dist

## icons: render the PNG icons from assets/src/*.svg (needs librsvg2-bin)
icons:
	@for s in healthy live warning reconnect paused; do rsvg-convert -w 64 -h 64 assets/src/tray-$$s.svg -o assets/tray-$$s.png; done
	rsvg-convert -w 512 -h 512 assets/src/app-icon.svg -o assets/icon.png
	rsvg-convert -w 128 -h 128 assets/src/app-icon.svg -o assets/window-icon.png
