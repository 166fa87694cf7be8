package domain

import "strings"

// ParseUserAgent names the operating system and the browser of a User-Agent
// header for people reading failed logins and sessions (R23): "Windows",
// "macOS", "iOS", "Android", "Linux", "ChromeOS" and "Chrome", "Firefox",
// "Safari", "Edge", "Opera"; "Other" when unknown, "" for an empty header.
// It reads the tokens of the common browsers only and never fails.
func ParseUserAgent(ua string) (os, browser string) {
	if strings.TrimSpace(ua) == "" {
		return "", ""
	}
	return uaOS(ua), uaBrowser(ua)
}

func uaOS(ua string) string {
	switch {
	// iPadOS 13+ claims to be a Mac, but no Mac has a touch "Mobile/" token.
	case strings.Contains(ua, "iPhone"), strings.Contains(ua, "iPad"), strings.Contains(ua, "iPod"),
		strings.Contains(ua, "Macintosh") && strings.Contains(ua, "Mobile/"):
		return "iOS"
	case strings.Contains(ua, "Android"):
		return "Android"
	case strings.Contains(ua, "Windows"):
		return "Windows"
	case strings.Contains(ua, "CrOS"):
		return "ChromeOS"
	case strings.Contains(ua, "Mac OS X"), strings.Contains(ua, "Macintosh"):
		return "macOS"
	case strings.Contains(ua, "Linux"), strings.Contains(ua, "X11"):
		return "Linux"
	}
	return "Other"
}

func uaBrowser(ua string) string {
	// Order matters: Edge and Opera also claim Chrome and Safari, Chrome
	// claims Safari, and browsers on iOS name themselves with their own
	// tokens (CriOS, FxiOS, EdgiOS).
	switch {
	case strings.Contains(ua, "Edg/"), strings.Contains(ua, "EdgA/"), strings.Contains(ua, "EdgiOS/"), strings.Contains(ua, "Edge/"):
		return "Edge"
	case strings.Contains(ua, "OPR/"), strings.Contains(ua, "Opera"):
		return "Opera"
	case strings.Contains(ua, "Firefox/"), strings.Contains(ua, "FxiOS/"):
		return "Firefox"
	case strings.Contains(ua, "Chrome/"), strings.Contains(ua, "CriOS/"), strings.Contains(ua, "Chromium/"):
		return "Chrome"
	case strings.Contains(ua, "Safari/") && strings.Contains(ua, "Version/"):
		return "Safari"
	}
	return "Other"
}
