package relay

import (
	"errors"
	"slices"
	"time"

	"github.com/liveroute/liveroute/store"
)

// HistoryLine is one line of what happened, as the window's Activity tab
// and `liveroute history` both show it (service.API.History).
type HistoryLine struct {
	Time          time.Time
	Kind          string // the activity's kind, or "waiting", "shared", "unconfirmed" for a share
	Message       string // for people
	RouteID       string
	VideoID       string
	DestinationID string
	// State is set on the lines that wait for the person: a group share,
	// assisted-open while it waits and assisted-done once shared; a share
	// LiveRoute could not confirm, unconfirmed.
	State string
}

// ErrNegativeLimit: History was asked for fewer than no lines.
var ErrNegativeLimit = errors.New("the limit cannot be negative")

// History is what happened, newest first, at most n lines (0: all): the
// activity log merged with the group shares and the shares LiveRoute could
// not confirm, which the engine records only in the ledger. It reads db
// alone, so a stopped app answers as a running one.
func History(db *store.DB, n int) ([]HistoryLine, error) {
	if n < 0 {
		return nil, ErrNegativeLimit
	}
	acts, err := db.Activities(n)
	if err != nil {
		return nil, err
	}
	shares, err := shareLines(db)
	if err != nil {
		return nil, err
	}
	out := make([]HistoryLine, 0, len(acts)+len(shares))
	waiting := unconfirmedKeys(shares)
	for _, a := range acts {
		if a.Kind == ActivityAssistedDone {
			continue // the group share's own line says it, with the video's title
		}
		key := store.LedgerKey{RouteID: a.RouteID, VideoID: a.VideoID, DestinationID: a.DestinationID}
		if a.Kind == activityUnconfirmed && waiting[key] {
			// The ledger's line says it, with the state the person settles;
			// only the newest note stands for it (an older one is history).
			delete(waiting, key)
			continue
		}
		out = append(out, HistoryLine{Time: a.Time.UTC(), Kind: a.Kind, Message: a.Message,
			RouteID: a.RouteID, VideoID: a.VideoID, DestinationID: a.DestinationID})
	}
	out = append(out, shares...)
	slices.SortStableFunc(out, func(x, y HistoryLine) int { return y.Time.Compare(x.Time) })
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// activityUnconfirmed is the kind of the note Engine.unconfirm writes
// with the ledger's unconfirmed entry.
const activityUnconfirmed = "unconfirmed"

// unconfirmedKeys are the shares still waiting to be settled.
func unconfirmedKeys(lines []HistoryLine) map[store.LedgerKey]bool {
	keys := map[store.LedgerKey]bool{}
	for _, l := range lines {
		if l.State == string(store.LedgerUnconfirmed) {
			keys[store.LedgerKey{RouteID: l.RouteID, VideoID: l.VideoID, DestinationID: l.DestinationID}] = true
		}
	}
	return keys
}

// shareLines are the group shares waiting for the person and those they
// finished, and the shares LiveRoute could not confirm.
func shareLines(db *store.DB) ([]HistoryLine, error) {
	names, err := DestinationNames(db)
	if err != nil {
		return nil, err
	}
	var out []HistoryLine
	for _, state := range []store.LedgerState{store.LedgerAssistedOpen, store.LedgerAssistedDone, store.LedgerUnconfirmed} {
		entries, err := db.LedgerInState(state)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if state == store.LedgerUnconfirmed {
				out = append(out, unconfirmedLine(e, names))
				continue
			}
			out = append(out, GroupShareLine(e, names))
		}
	}
	return out, nil
}

// DestinationNames maps every destination's ID to its name.
func DestinationNames(db *store.DB) (map[string]string, error) {
	dests, err := db.Destinations()
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(dests))
	for _, d := range dests {
		names[d.ID] = d.Name
	}
	return names, nil
}

// unconfirmedLine describes a share LiveRoute could not confirm.
func unconfirmedLine(e store.LedgerEntry, names map[string]string) HistoryLine {
	msg := e.Reason
	if msg == "" {
		msg = UnconfirmedSentence(nameOr(names, e.DestinationID))
	}
	return HistoryLine{Time: e.UpdatedAt.UTC(), Kind: "unconfirmed", State: string(e.State), Message: msg,
		RouteID: e.RouteID, VideoID: e.VideoID, DestinationID: e.DestinationID}
}

// GroupShareLine describes one group share of the ledger: waiting for the
// person, or shared by them.
func GroupShareLine(e store.LedgerEntry, names map[string]string) HistoryLine {
	title, group := videoTitle(e), nameOr(names, e.DestinationID)
	h := HistoryLine{Time: e.UpdatedAt.UTC(), Kind: "waiting", State: string(e.State),
		RouteID: e.RouteID, VideoID: e.VideoID, DestinationID: e.DestinationID,
		Message: "Waiting for you to share " + title + " to the group " + group}
	if e.State == store.LedgerAssistedDone {
		h.Kind, h.Message = "shared", "You shared "+title+" to the group "+group
		if !e.DoneAt.IsZero() {
			h.Time = e.DoneAt.UTC()
		}
	}
	return h
}

// videoTitle names a live video in a sentence, its title quoted.
func videoTitle(e store.LedgerEntry) string {
	if e.VideoTitle == "" {
		return LiveVideoName("")
	}
	return "“" + e.VideoTitle + "”"
}

// LiveVideoName is how LiveRoute names a live video to the person: its
// title, or "your live video" when it has none.
func LiveVideoName(title string) string {
	if title == "" {
		return "your live video"
	}
	return title
}

// nameOr is the destination's name, or its ID when it has none.
func nameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}
