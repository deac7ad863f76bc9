package app

import (
	"testing"

	"github.com/liveroute/liveroute/app/relay"
	"github.com/liveroute/liveroute/assets"
)

func TestADamagedDatabaseIsShownAsSharingStoppedAndNotified(t *testing.T) {
	why := "The database is damaged: quit and restart LiveRoute to restore the newest backup. Sharing has stopped until then."
	s := relay.State{Kind: relay.DatabaseDamaged, Reason: why}
	h := healthOf(s)
	if h.Headline != "Sharing stopped" || h.Detail != why || h.Tray != assets.TrayWarning {
		t.Errorf("health %+v, want the warning icon, Sharing stopped and the engine's sentence", h)
	}
	n := notificationFor(relay.StateChanged{From: relay.State{Kind: relay.Healthy}, To: s})
	if n == nil || n.Content != why {
		t.Errorf("notification %+v, want one carrying the sentence", n)
	}
}
