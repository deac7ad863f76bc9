package relay

import "testing"

// TestAnHourOfIdlePollingLeavesHeadroomInFacebooksBudgets: with the
// default settings, five idle Page sources spend at most idleShareOfBudget
// of each Page's budget and of the per-user budget in their first hour,
// so shares and share checks still fit.
func TestAnHourOfIdlePollingLeavesHeadroomInFacebooksBudgets(t *testing.T) {
	u := measureIdleHour(t, 5)
	if u.perSource == 0 {
		t.Fatal("no source was polled")
	}
	if r := u.perSource / pageBudgetPerHour; r > idleShareOfBudget {
		t.Errorf("%.0f Page-token calls per source in an hour: %.2f of the Page budget, want ≤ %.2f", u.perSource, r, idleShareOfBudget)
	}
	if r := float64(u.user) / userBudgetPerHour; r > idleShareOfBudget {
		t.Errorf("%d user- and app-token calls in an hour: %.2f of the per-user budget, want ≤ %.2f", u.user, r, idleShareOfBudget)
	}
}
