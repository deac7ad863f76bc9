package control

import (
	"errors"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// pageRef is fbclient.ParsePageRef in the command line's words.
func pageRef(s string) (string, error) {
	ref, err := fbclient.ParsePageRef(s)
	if errors.Is(err, fbclient.ErrGroupAddressForPage) {
		return "", errors.New("that is a group's address: add it with `liveroute groups add URL`")
	}
	return ref, err
}

// ParseGroupAddress reads a group's facebook.com address and returns the
// destination for it, named name or, when name is empty, after the address.
//
// Deprecated: the window adds groups with service.API.AddGroup; this is
// kept only until package app stops calling it.
func ParseGroupAddress(address, name string) (store.Destination, error) {
	return groupDestination(address, name)
}

// groupDestination is the destination for the group at address.
func groupDestination(address, name string) (store.Destination, error) {
	g, err := fbclient.ParseGroupAddress(address)
	if err != nil {
		return store.Destination{}, err
	}
	return store.GroupDestination(g.ID, g.URL, name), nil
}
