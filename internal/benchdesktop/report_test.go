package main

import (
	"math"
	"strings"
	"testing"
	"time"
)

// figuresOf is a run's figures from its RSS and CPU alone.
func figuresOf(name string, rssMiB, cpuPercent float64) row {
	return row{Name: name, figures: figures{Seconds: 60, RSSMiB: rssMiB, PSSMiB: rssMiB * 0.8, CPUPercent: cpuPercent, WakeupsPerSec: cpuPercent * 100}}
}

// issueResults is the issue's own measurement: A 141 MB and 2.2 %, the
// headless engine 25 MB and 0.02 %, and the given window-closed figures.
func issueResults(trayRSS, trayCPU float64, opens ...time.Duration) results {
	return results{
		Bare:     figuresOf("A", 141, 2.2),
		Headless: figuresOf("B", 25, 0.02),
		Tray:     figuresOf("tray", trayRSS, trayCPU),
		Window:   figuresOf("window", 169, 2.7),
		Opens:    opens,
	}
}

func passes(vs []verdict) []bool {
	out := make([]bool, len(vs))
	for i, v := range vs {
		out[i] = v.Pass
	}
	return out
}

func TestVerdictsOfTheIssuesTargets(t *testing.T) {
	cases := []struct {
		name             string
		trayRSS, trayCPU float64
		want             []bool // RSS vs B, CPU, memory vs A, CPU vs A
	}{
		{"today: Fyne's loop runs in the tray", 164, 2.8, []bool{false, false, false, false}},
		{"an agent as light as the engine", 28, 0.03, []bool{true, true, true, true}},
		// 1.5× B is 37.5 MiB, but 5× below A's 141 asks 28.2 MiB at most.
		{"exactly 1.5× B and 0.2 %", 37.5, 0.2, []bool{true, true, false, true}},
		{"a little over 1.5× B", 37.6, 0.2, []bool{false, true, false, true}},
		{"exactly 5× below A", 28.2, 0.2, []bool{true, true, true, true}},
		{"an idle tray that used no tick at all", 25, 0, []bool{true, true, true, true}},
		{"light on memory, but 0.21 % of a core", 25, 0.21, []bool{true, false, true, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := passes(verdicts(issueResults(c.trayRSS, c.trayCPU)))
			if strings.Join(boolWords(got), " ") != strings.Join(boolWords(c.want), " ") {
				t.Errorf("verdicts = %v, want %v", got, c.want)
			}
		})
	}
}

func boolWords(bs []bool) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = map[bool]string{true: "PASS", false: "FAIL"}[b]
	}
	return out
}

func TestTheOpenTimeIsJudgedOnItsMedian(t *testing.T) {
	ms := time.Millisecond
	vs := verdicts(issueResults(28, 0.03, 300*ms, 2500*ms, 400*ms))
	if len(vs) != 5 || !vs[4].Pass || !strings.Contains(vs[4].Text, "median 400 ms") {
		t.Fatalf("verdicts = %+v, want a fifth, passing on the median 400 ms", vs)
	}
	vs = verdicts(issueResults(28, 0.03, 1200*ms, 900*ms, 1100*ms))
	if vs[4].Pass {
		t.Errorf("a median of 1100 ms passed: %+v", vs[4])
	}
}

func TestMarkdownGivesEveryRunsRatiosAgainstBothBaselines(t *testing.T) {
	r := issueResults(50, 0.04, 300*time.Millisecond)
	md := markdown(r)
	trayLine := ""
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| tray |") {
			trayLine = line
		}
	}
	// 50 MiB is 0.35× A's 141 and 2× B's 25; 0.04 % is 0.018× A's 2.2 and 2× B's 0.02.
	for _, want := range []string{"| 50.0 |", "| 0.35× | 2.00× |", "| 0.018× | 2.00× |"} {
		if !strings.Contains(trayLine, want) {
			t.Errorf("the tray's row %q lacks %q", trayLine, want)
		}
	}
	r.BareStarts = []time.Duration{200 * time.Millisecond}
	r.Tray.Processes = []processFigures{{Name: "liveroute", PID: 7, RSSMiB: 50, AnonMiB: 6.25, CPUPercent: 0.04}}
	md = markdown(r)
	if !strings.Contains(md, "liveroute (PID 7): 50.0 MiB (6.2 anonymous), 0.04 %") {
		t.Errorf("the tray's process line lacks its anonymous share:\n%s", md)
	}
	for _, want := range []string{"FAIL window closed: tree RSS ≤ 1.5× B", "PASS window closed: CPU ≤ 0.2 %", "median **300 ms**", "the open takes **1.50×** that"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}

func TestRatioOfZeroes(t *testing.T) {
	if ratio(0, 0) != 1 || !math.IsInf(ratio(1, 0), 1) || ratio(0, 2) != 0 || ratio(3, 2) != 1.5 {
		t.Error("ratio: want 0/0 = 1, 1/0 = +Inf, 0/2 = 0, 3/2 = 1.5")
	}
	if times(math.Inf(1)) != "∞×" || times(12.4) != "12×" || times(1.234) != "1.23×" || times(0.005) != "0.005×" || times(0) != "0.00×" {
		t.Error("times: want ∞×, 12×, 1.23×, 0.005× and 0.00×")
	}
}

func TestMedian(t *testing.T) {
	ms := time.Millisecond
	if got := median([]time.Duration{5 * ms, 1 * ms, 3 * ms}); got != 3*ms {
		t.Errorf("median of 5, 1, 3 ms = %v", got)
	}
	if got := median([]time.Duration{4 * ms, 1 * ms, 2 * ms, 3 * ms}); got != 2500*time.Microsecond {
		t.Errorf("median of 4, 1, 2, 3 ms = %v, want 2.5 ms", got)
	}
	if median(nil) != 0 {
		t.Error("median of nothing is not 0")
	}
}

func TestConfigDefaultsToTheIssuesDurations(t *testing.T) {
	cfg, err := configFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Settle != 20*time.Second || cfg.Sample != 60*time.Second || cfg.OpenRuns != 5 || cfg.Out != "bench-desktop.md" || cfg.Strict {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestConfigReadsQuickSettings(t *testing.T) {
	env := map[string]string{"SETTLE": "2", "SAMPLE": "10s", "OPEN_RUNS": "1", "OPEN_SETTLE": "0.5", "BENCH_STRICT": "1", "BENCH_DESKTOP_OUT": "/tmp/x.md"}
	cfg, err := configFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Settle != 2*time.Second || cfg.Sample != 10*time.Second || cfg.OpenRuns != 1 || cfg.OpenSettle != 500*time.Millisecond || !cfg.Strict || cfg.Out != "/tmp/x.md" {
		t.Errorf("config = %+v", cfg)
	}
}

func TestConfigRefusesSettingsItCannotUseAndSaysWhatToGive(t *testing.T) {
	for _, env := range []map[string]string{{"SETTLE": "soon"}, {"SAMPLE": "-1"}, {"SAMPLE": "1"}, {"OPEN_RUNS": "2.5"}} {
		_, err := configFromEnv(func(k string) string { return env[k] })
		if err == nil {
			t.Errorf("%v was accepted", env)
			continue
		}
		if !strings.Contains(err.Error(), "give") {
			t.Errorf("%v: %q does not say what to give", env, err)
		}
	}
}
