using System.Globalization;
using System.Net;

namespace HaCluster.Shared.Config;

/// <summary>Strict parsers for the value syntaxes keepalived.conf uses; they report, never throw.</summary>
internal static class ConfigValues
{
    /// <summary>Largest timer accepted anywhere, so converting to <see cref="TimeSpan"/> cannot overflow.</summary>
    private const decimal MaxSeconds = 1_000_000m;

    public static bool TryInt(string text, string what, long min, long max, SourceLocation at, DiagnosticBag diagnostics, out int value)
    {
        value = 0;
        if (!IsNumber(text, allowFraction: false))
        {
            diagnostics.Error(at, $"{what}: '{text}' is not an integer");
            return false;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            diagnostics.Error(at, $"{what} {text} is out of range ({min}-{max})");
            return false;
        }

        value = (int)parsed;
        return true;
    }

    /// <summary>keepalived timers are decimal seconds with microsecond resolution, e.g. 2.71828 or 3.</summary>
    public static bool TrySeconds(string text, string what, decimal min, decimal max, SourceLocation at, DiagnosticBag diagnostics, out decimal seconds)
    {
        seconds = 0;
        if (!IsNumber(text, allowFraction: true))
        {
            diagnostics.Error(at, $"{what}: '{text}' is not a number of seconds");
            return false;
        }

        var styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;
        if (!decimal.TryParse(text, styles, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > Math.Min(max, MaxSeconds))
        {
            diagnostics.Error(at, $"{what} {text} is out of range ({min}-{max} seconds)");
            return false;
        }

        seconds = parsed;
        return true;
    }

    public static TimeSpan ToTimeSpan(decimal seconds) =>
        TimeSpan.FromTicks((long)decimal.Round(seconds * TimeSpan.TicksPerSecond));

    public static bool TryAddress(string text, string what, SourceLocation at, DiagnosticBag diagnostics, out IPAddress address)
    {
        if (TryParseAddress(text, out var parsed))
        {
            address = parsed;
            return true;
        }

        diagnostics.Error(at, $"{what}: '{text}' is not a valid IP address");
        address = IPAddress.None;
        return false;
    }

    /// <summary>
    /// Only dotted-quad IPv4 and plain IPv6; <see cref="IPAddress.TryParse(string, out IPAddress)"/> alone
    /// would also take "10.1" or "0x7f.1", which is never what a keepalived.conf author meant.
    /// </summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var shapeOk = text.Contains(':')
            ? text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.')
            : IsDottedQuad(text);
        if (!shapeOk || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static bool IsDottedQuad(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
    }

    public static bool LooksLikeAddress(string text) =>
        text.Contains(':') || text.All(c => char.IsAsciiDigit(c) || c == '.');

    public static bool IsHostName(string text) =>
        text.Length is > 0 and <= 253
        && text.Split('.').All(label => label.Length is > 0 and <= 63
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && label[0] != '-' && label[^1] != '-');

    private static bool IsNumber(string text, bool allowFraction)
    {
        var digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        var dot = digits.IndexOf('.');
        if (dot >= 0 && (!allowFraction || digits.IndexOf('.', dot + 1) >= 0))
        {
            return false;
        }

        var bare = digits.Replace(".", "", StringComparison.Ordinal);
        return bare.Length > 0 && bare.All(char.IsAsciiDigit);
    }
}
