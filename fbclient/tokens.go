package fbclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// TokenInfo is what debug_token says about an access token.
type TokenInfo struct {
	AppID               string
	Type                string // USER, PAGE, APP
	UserID              string
	ProfileID           string // the Page of a Page token
	Valid               bool
	IssuedAt            time.Time
	ExpiresAt           time.Time // zero: never
	DataAccessExpiresAt time.Time // zero: never
	Scopes              []string
	GranularScopes      []GranularScope
	Error               *Error // why the token is not valid
}

// GranularScope is a permission and the objects (Pages) it covers.
type GranularScope struct {
	Scope     string
	TargetIDs []string
}

// HasScope reports whether the token carries scope.
func (t TokenInfo) HasScope(scope string) bool {
	for _, s := range t.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// DebugToken asks Facebook about input with the app's own token
// (APPID|SECRET). Neither token appears in its error or in TokenInfo.Error.
func (c *Client) DebugToken(ctx context.Context, input Token) (TokenInfo, error) {
	if c.cfg.AppID == "" || c.cfg.AppSecret.IsZero() {
		return TokenInfo{}, ErrAppNotConfigured
	}
	var out struct {
		Data struct {
			AppID          string   `json:"app_id"`
			Type           string   `json:"type"`
			UserID         string   `json:"user_id"`
			ProfileID      string   `json:"profile_id"`
			IsValid        bool     `json:"is_valid"`
			IssuedAt       int64    `json:"issued_at"`
			ExpiresAt      int64    `json:"expires_at"`
			DataAccess     int64    `json:"data_access_expires_at"`
			Scopes         []string `json:"scopes"`
			GranularScopes []struct {
				Scope     string   `json:"scope"`
				TargetIDs []string `json:"target_ids"`
			} `json:"granular_scopes"`
			Error *wireError `json:"error"`
		} `json:"data"`
	}
	if err := c.get(ctx, c.appToken(), "debug_token", url.Values{"input_token": {input.Reveal()}}, &out); err != nil {
		return TokenInfo{}, fmt.Errorf("check token: %w", err)
	}
	d := out.Data
	info := TokenInfo{AppID: d.AppID, Type: d.Type, UserID: d.UserID, ProfileID: d.ProfileID, Valid: d.IsValid,
		IssuedAt: unixTime(d.IssuedAt), ExpiresAt: unixTime(d.ExpiresAt), DataAccessExpiresAt: unixTime(d.DataAccess),
		Scopes: d.Scopes}
	for _, g := range d.GranularScopes {
		info.GranularScopes = append(info.GranularScopes, GranularScope{Scope: g.Scope, TargetIDs: g.TargetIDs})
	}
	if d.Error != nil {
		info.Error = d.Error.toError()
		// It is about input, and may quote it.
		c.scrubberFor(url.Values{"input_token": {input.Reveal()}}, c.appToken()).graphError(info.Error)
	}
	if !info.Valid && info.Error == nil {
		info.Error = &Error{Code: 190, Type: "OAuthException", Message: "debug_token says the token is not valid"}
	}
	return info, nil
}

// RevokePermissions removes the app from the person's account: every
// permission and every token of theirs for this app.
func (c *Client) RevokePermissions(ctx context.Context, userTok Token) error {
	var out struct {
		Success bool `json:"success"`
	}
	if err := c.call(ctx, "DELETE", userTok, "me/permissions", nil, &out); err != nil {
		return fmt.Errorf("revoke permissions: %w", err)
	}
	if !out.Success {
		return errors.New("revoke permissions: Facebook did not confirm")
	}
	return nil
}

// VerifyApp checks the configured App ID and secret with Facebook. A wrong
// pair gives ErrAppCredentials (a sentence with the fix) wrapping Facebook's error.
func (c *Client) VerifyApp(ctx context.Context) error {
	if c.cfg.AppID == "" || c.cfg.AppSecret.IsZero() {
		return ErrAppNotConfigured
	}
	if err := checkID(c.cfg.AppID); err != nil {
		return fmt.Errorf("%w (%w)", ErrAppCredentials, err)
	}
	var out struct {
		ID string `json:"id"`
	}
	err := c.get(ctx, c.appToken(), c.cfg.AppID, url.Values{"fields": {"id,name"}}, &out)
	var fe *Error
	switch {
	case errors.As(err, &fe) && (fe.Code == 190 || fe.Code == 101 || fe.Code == 100):
		return fmt.Errorf("%w (%w)", ErrAppCredentials, err)
	case err != nil:
		return fmt.Errorf("verify app: %w", err)
	case out.ID != c.cfg.AppID:
		return ErrAppCredentials
	}
	return nil
}

// appToken is the app access token APPID|APPSECRET.
func (c *Client) appToken() Token { return Token(c.cfg.AppID + "|" + c.cfg.AppSecret.Reveal()) }

func unixTime(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0)
}
