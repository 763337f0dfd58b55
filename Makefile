# gleap-go: the client is generated from openapi.yaml, checked against it and tested against it.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

MODULE := github.com/gleap-community/gleap-go
# Tool versions are pinned so that every machine checks the same things.
REDOCLY := @redocly/cli@2.77.0
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
BENCH_COUNT := 6
MIN_WRAPPER_COVERAGE := 85

.PHONY: generate check-generated test vet fmt-check demo inbox lint fuzz bench bench-bulk prism live

## generate: regenerate api/ from openapi.yaml (run after editing the spec, commit the result)
generate:
	go generate ./...

## check-generated: fail when the committed api/ is not exactly what openapi.yaml generates
check-generated:
	@echo "checking that api/ is what openapi.yaml generates"
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	tar --exclude=.git -cf - . | tar -xf - -C "$$tmp"; \
	(cd "$$tmp" && go generate ./...); \
	diff -ru api "$$tmp/api" || { echo "api/ differs from what openapi.yaml generates: run 'make generate' and commit api/" >&2; exit 1; }

## vet: go vet, also of the live contract check, which builds only with its tag
vet:
	go vet ./...
	go vet -tags live .

## fmt-check: fail when gofmt would change a file
fmt-check:
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted" >&2; exit 1; fi

## test: every check and every test, with the race detector and the wrapper's coverage floor
test: check-generated vet fmt-check
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	echo "go test -race -count=1 -cover ./..."; \
	go test -race -count=1 -cover ./... | tee "$$log"; \
	awk -v pkg="$(MODULE)/wrapper" -v min=$(MIN_WRAPPER_COVERAGE) ' \
		$$2 == pkg { for (i = 1; i < NF; i++) if ($$i == "coverage:") { found = 1; pct = $$(i + 1); sub("%", "", pct); \
			if (pct + 0 < min) { printf "%s coverage %s%% is below %s%%\n", pkg, pct, min; exit 1 } } } \
		END { if (!found) { print "no coverage figure for " pkg; exit 1 } }' "$$log"

## fuzz: short fuzzing runs of answer handling, the key's redaction and reading comments, beyond the seed corpora that go test always runs
# The budget is a count of runs, not a duration: a -fuzztime duration races the fuzz coordinator's own
# deadline before Go 1.27 (golang/go#75804) and fails with "context deadline exceeded" and no crasher.
fuzz:
	go test -run='^$$' -fuzz=FuzzCreateMessageAnswer -fuzztime=50000x -fuzzminimizetime=2000x ./wrapper
	go test -run='^$$' -fuzz=FuzzRedactedBodiesNeverSpellTheKey -fuzztime=50000x -fuzzminimizetime=2000x ./wrapper
	go test -run='^$$' -fuzz=FuzzPlainText -fuzztime=50000x -fuzzminimizetime=2000x ./wrapper

## bench: the wrapper beside hand-written net/http code and the raw generated client, compared by benchstat
bench:
	@out=$$(mktemp); trap 'rm -f "$$out"' EXIT; \
	echo "go test -run='^$$' -bench=. -benchtime=500ms -count=$(BENCH_COUNT) ./wrapper"; \
	go test -run='^$$' -bench=. -benchtime=500ms -count=$(BENCH_COUNT) ./wrapper | tee "$$out"; \
	go run $(BENCHSTAT) -col /impl "$$out"

## bench-bulk: gleap send --batch against gleap mock at a scaled limit (100/s): rate, 429s, duplicates, two processes, kill -9 and resume, peak memory for 1,000,000 lines (about 15 minutes)
bench-bulk:
	@bash scripts/bulk-bench.sh

## demo: the CLI against the local mock: a reply, a note and a bot message, validated against openapi.yaml
demo:
	@bash scripts/demo.sh

## inbox: the demo, then its mock keeps running on 127.0.0.1:4010 with the messages: open the inbox it prints; Ctrl-C stops it
inbox:
	@bash scripts/demo.sh --serve

## prism: the CLI's list, update, delete and faq against Prism serving Gleap's own document (needs Node.js)
prism:
	@bash scripts/prism.sh

## live: the contract against the real Gleap API (needs GLEAP_API_KEY, GLEAP_PROJECT, GLEAP_TEST_TICKET)
live:
	go test -tags live -run '^TestLive' -count=1 -v .

## lint: the spec with Redocly, the Go code with staticcheck
lint:
	npx --yes $(REDOCLY) lint openapi.yaml
	go run $(STATICCHECK) ./...
