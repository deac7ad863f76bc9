package fbclient

import (
	"net/url"
	"strings"
)

// parsePastedAddress reads the address a person copied from the browser
// after Facebook's dialog redirected to redirectURI (login_success.html).
// It returns the dialog's answer, its state still to be checked, or a
// *PasteError saying what is wrong with the paste. No error repeats any
// part of the paste: it may be a secret copied by mistake.
func parsePastedAddress(address, redirectURI string) (dialogAnswer, error) {
	want, err := url.Parse(redirectURI)
	if err != nil {
		return dialogAnswer{}, &PasteError{Problem: "LiveRoute's paste-back address is broken: " + err.Error()}
	}
	copyHint := "Copy the whole address from the browser's address bar on the page that says “Success” after Facebook's dialog; it starts with " + redirectURI + "."
	a := strings.Trim(strings.TrimSpace(address), `"'<>`)
	if a == "" {
		return dialogAnswer{}, &PasteError{Problem: "Nothing was pasted. " + copyHint}
	}
	if !strings.Contains(a, "://") {
		// Browsers may hide the scheme in the address bar; accept the rest.
		a = want.Scheme + "://" + a
	}
	u, err := url.Parse(a)
	if err != nil || u.Host == "" {
		return dialogAnswer{}, &PasteError{Problem: "That is not a web address. " + copyHint}
	}
	if !strings.EqualFold(u.Host, want.Host) || u.Path != want.Path {
		// Never quote the paste: a wrong one may be an access token, a code
		// or another site's private link.
		return dialogAnswer{}, &PasteError{Problem: "That is the address of another page, not of Facebook's login-success page. " + copyHint}
	}
	// The dialog's redirect carries code and state, or error, error_reason
	// and error_description, in the query:
	// https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
	q := u.Query()
	ans := dialogAnswer{code: q.Get("code"), state: q.Get("state"),
		errCode: q.Get("error"), errReason: q.Get("error_reason"), errDesc: q.Get("error_description")}
	switch {
	case ans.code == "" && ans.errCode == "":
		return dialogAnswer{}, &PasteError{Problem: "The address has no login code (the part after “code=”); it may have been cut off. " + copyHint}
	case ans.state == "":
		return dialogAnswer{}, &PasteError{Problem: "The address has no login state (the part after “state=”); it may have been cut off. " + copyHint}
	}
	return ans, nil
}
