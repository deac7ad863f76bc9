package relay

import "testing"

// TestAnHourOfIdlePollingLeavesHeadroomInFacebooksBudgets: with the
// default settings, five idle Page sources spend at most idleShareOfBudget
// of each Page's budget and of the per-user budget in their first hour,
// so shares and share checks still fit — also when Facebook refuses the
// live_videos edge and the sources are watched through /videos, however
// many past videos they have.
func TestAnHourOfIdlePollingLeavesHeadroomInFacebooksBudgets(t *testing.T) {
	for _, sc := range []idleScenario{
		{sources: 5},
		{sources: 5, refusedEdge: true},
		{sources: 5, refusedEdge: true, pastVideos: 60},
		{sources: 5, refusedEdge: true, pastVideos: 300},
	} {
		t.Run(sc.String(), func(t *testing.T) {
			u := measureIdleHour(t, sc)
			if u.perSource == 0 {
				t.Fatal("no source was polled")
			}
			if r := u.perSource / pageBudgetPerHour; r > idleShareOfBudget {
				t.Errorf("%.0f Page-token calls per source in an hour: %.2f of the Page budget, want ≤ %.2f", u.perSource, r, idleShareOfBudget)
			}
			if r := float64(u.user) / userBudgetPerHour; r > idleShareOfBudget {
				t.Errorf("%d user- and app-token calls in an hour: %.2f of the per-user budget, want ≤ %.2f", u.user, r, idleShareOfBudget)
			}
		})
	}
}
