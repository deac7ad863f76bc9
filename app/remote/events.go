package remote

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/liveroute/liveroute/app/relay"
)

// relay.Event is a tagged union: on the wire an event is its concrete
// type's name and that value's JSON.
type wireEvent struct {
	Type  string          `json:"type"`
	Event json.RawMessage `json:"event"`
}

// eventDecoders has one entry per event type of app/relay; a test fails
// when relay gains a type this table lacks.
var eventDecoders = map[string]func(json.RawMessage) (relay.Event, error){
	"StateChanged":          decodeEvent[relay.StateChanged],
	"LiveDetected":          decodeEvent[relay.LiveDetected],
	"ShareResult":           decodeEvent[relay.ShareResult],
	"AssistedSharesPending": decodeEvent[relay.AssistedSharesPending],
	"DestinationFlagged":    decodeEvent[relay.DestinationFlagged],
	"UsageChanged":          decodeEvent[relay.UsageChanged],
	"Missed":                decodeEvent[relay.Missed],
}

func encodeEvent(ev relay.Event) (json.RawMessage, error) {
	name := reflect.TypeOf(ev).Name()
	if _, ok := eventDecoders[name]; !ok {
		return nil, fmt.Errorf("the event type %T has no wire encoding", ev)
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encode a %s event: %w", name, err)
	}
	return json.Marshal(wireEvent{Type: name, Event: data})
}

func decodeWireEvent(body json.RawMessage) (relay.Event, error) {
	var w wireEvent
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("read an event: %w", err)
	}
	decode, ok := eventDecoders[w.Type]
	if !ok {
		return nil, fmt.Errorf("the agent sent an event of unknown type %q", w.Type)
	}
	return decode(w.Event)
}

func decodeEvent[E relay.Event](data json.RawMessage) (relay.Event, error) {
	var ev E
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("read a %T event: %w", ev, err)
	}
	return ev, nil
}
