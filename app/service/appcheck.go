package service

import (
	"context"
	"errors"
	"strings"

	"github.com/liveroute/liveroute/fbclient"
	"github.com/liveroute/liveroute/store"
)

// The answers of CheckApp, each a sentence with its fix. Nothing is saved
// whichever it is.
var (
	// ErrAppIDFormat: what was typed cannot be an App ID
	// (store.CheckIDForms's sentence).
	ErrAppIDFormat = store.ErrAppIDFormat
	// ErrUnknownApp: Facebook knows no app with this ID.
	ErrUnknownApp = errors.New("no Meta app has this App ID: copy it again from App settings → Basic on developers.facebook.com")
	// ErrWrongSecret: the app exists, but this is not its secret.
	ErrWrongSecret = errors.New("this App secret does not belong to this App ID: in App settings → Basic press Show next to App secret and copy it again")
	// ErrSecretFormat: what was typed cannot be an App secret
	// (fbclient.CheckAppSecretForm's sentence).
	ErrSecretFormat = fbclient.ErrSecretFormat
	// ErrConfigIDFormat: what was typed cannot be a Configuration ID
	// (store.CheckIDForms's sentence).
	ErrConfigIDFormat = store.ErrConfigIDFormat
	// ErrFacebookUnreachable: the check could not reach Facebook.
	ErrFacebookUnreachable = errors.New("LiveRoute cannot reach Facebook: check this computer's internet connection, then try again")
)

// AppCheck is a Meta app as the person typed it, before anything is saved.
type AppCheck struct {
	AppID    string
	Secret   fbclient.Token // empty: the one saved for AppID
	ConfigID string         // empty: classic Facebook Login
}

// CheckApp asks Facebook whether AppID names an app and Secret is its
// secret, and vets ConfigID; it saves nothing. The error is one of the
// Err… sentences above (errors.Is), or the keychain's.
//
// Facebook offers no Graph API call that looks up a Login for Business
// configuration by its ID, so the Configuration ID is checked for its form
// here and by Facebook's dialog when the person connects.
func (s *Service) CheckApp(ctx context.Context, check AppCheck) error {
	check.AppID = strings.TrimSpace(check.AppID)
	check.ConfigID = strings.TrimSpace(check.ConfigID)
	if err := CheckIDForms(check.AppID, check.ConfigID); err != nil {
		return err
	}
	secret := check.Secret
	if secret.IsZero() {
		saved, err := s.Secrets.Get(store.AppSecretKey(check.AppID))
		if err != nil {
			return err
		}
		secret = fbclient.Token(saved)
	}
	if err := fbclient.CheckAppSecretForm(secret.Reveal()); err != nil {
		return err
	}
	settings, err := s.DB.Settings()
	if err != nil {
		return err
	}
	settings.AppID = check.AppID
	// The app access token APPID|SECRET reads the app's own node:
	// https://developers.facebook.com/docs/facebook-login/guides/access-tokens#apptokens
	err = fbclient.New(s.clientConfig(settings, secret)).VerifyApp(ctx)
	return appCheckProblem(err)
}

// appCheckProblem names the field at fault in VerifyApp's answer.
func appCheckProblem(err error) error {
	if err == nil {
		return nil
	}
	var fe *fbclient.Error
	if errors.As(err, &fe) {
		msg := strings.ToLower(fe.Message)
		switch {
		// An app token whose app does not exist cannot be parsed (code 190),
		// or the application is invalid (code 101); both mean the ID.
		// Codes: https://developers.facebook.com/docs/graph-api/guides/error-handling
		case fe.Code == 101, strings.Contains(msg, "cannot parse access token"), strings.Contains(msg, "invalid application id"):
			return ErrUnknownApp
		// The app exists but the token's signature (the secret) is wrong.
		case strings.Contains(msg, "signature"), strings.Contains(msg, "client secret"):
			return ErrWrongSecret
		}
	}
	if fbclient.Classify(err) == fbclient.ClassTransient {
		return ErrFacebookUnreachable
	}
	if errors.Is(err, fbclient.ErrAppCredentials) {
		// Facebook refused the pair without saying which half: the
		// stricter reading is that the secret is wrong, the ID having a
		// valid form.
		return ErrWrongSecret
	}
	return err
}

// CheckIDForms checks the form of an App ID and a Configuration ID (empty
// for classic Facebook Login), before anything asks Facebook: the connect
// form and the setup wizard ask it; it is store.CheckIDForms, the CLI's
// connect's rule and sentences too.
func CheckIDForms(appID, configID string) error { return store.CheckIDForms(appID, configID) }
