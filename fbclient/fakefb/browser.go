package fakefb

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// Browse plays the system browser for a login: it opens u and follows every
// redirect, as a browser does on its way back to LiveRoute's loopback
// listener. It returns at once and browses in the background, like a real
// opener; use it as fbclient.LoginOptions.OpenBrowser with an auto-approving
// dialog (SetLoginDialog).
func Browse(u string) error {
	go func() {
		client := &http.Client{Timeout: 30 * time.Second}
		if resp, err := client.Get(u); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	return nil
}

// FinalAddress opens a login dialog address and returns where the dialog
// sends the browser, without going there: for paste-back, the address a
// person copies from the browser's address bar.
func FinalAddress(u string) (string, error) {
	client := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || loc == "" {
		return "", fmt.Errorf("the dialog answered %s without a redirect", resp.Status)
	}
	return loc, nil
}
