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

// groupDestination is the destination for the group at address.
func groupDestination(address, name string) (store.Destination, error) {
	g, err := fbclient.ParseGroupAddress(address)
	if err != nil {
		return store.Destination{}, err
	}
	return store.GroupDestination(g.ID, g.URL, name), nil
}
