using System.Collections.Immutable;
using System.Net;

namespace HaCluster.Shared.Config;

/// <summary>Reads a statement's single value and reports what is wrong with it at the statement's line.</summary>
internal static class StatementExtensions
{
    public static bool TryValue(this ConfigStatement s, DiagnosticBag diagnostics, out string value)
    {
        WarnIfBlock(s, diagnostics);
        if (s.Args.IsEmpty)
        {
            diagnostics.Error(s.Location, $"'{s.Keyword}' requires a value");
            value = "";
            return false;
        }

        if (s.Args.Length > 1)
        {
            diagnostics.Warning(s.Location, $"'{s.Keyword}': extra arguments ignored: {string.Join(' ', s.Args.Skip(1))}");
        }

        value = s.Args[0];
        return true;
    }

    /// <summary>One to <paramref name="max"/> values, such as <c>user USER [GROUP]</c>.</summary>
    public static bool TryValues(this ConfigStatement s, DiagnosticBag diagnostics, int max, out ImmutableArray<string> values)
    {
        WarnIfBlock(s, diagnostics);
        values = [.. s.Args.Take(max)];
        if (s.Args.IsEmpty)
        {
            diagnostics.Error(s.Location, $"'{s.Keyword}' requires a value");
            return false;
        }

        if (s.Args.Length > max)
        {
            diagnostics.Warning(s.Location, $"'{s.Keyword}': extra arguments ignored: {string.Join(' ', s.Args.Skip(max))}");
        }

        return true;
    }

    /// <summary>A command line: a quoted string is one word already, unquoted words are joined with single spaces.</summary>
    public static bool TryText(this ConfigStatement s, DiagnosticBag diagnostics, out string text)
    {
        WarnIfBlock(s, diagnostics);
        text = string.Join(' ', s.Args);
        if (!string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        diagnostics.Error(s.Location, $"'{s.Keyword}' requires a value");
        return false;
    }

    /// <summary>The NAME of a top-level <c>keyword NAME { ... }</c> block.</summary>
    public static bool TryName(this ConfigStatement block, DiagnosticBag diagnostics, out string name)
    {
        name = block.Args.IsEmpty ? "" : block.Args[0];
        if (block.Args.IsEmpty)
        {
            diagnostics.Error(block.Location, $"'{block.Keyword}' requires a name");
            return false;
        }

        if (block.Args.Length > 1)
        {
            diagnostics.Warning(block.Location, $"'{block.Keyword}': extra arguments ignored: {string.Join(' ', block.Args.Skip(1))}");
        }

        return true;
    }

    /// <summary><c>weight W [reverse]</c> of a vrrp_script or vrrp_track_file.</summary>
    public static bool TryWeight(this ConfigStatement s, DiagnosticBag diagnostics, out int weight, out bool reverse)
    {
        WarnIfBlock(s, diagnostics);
        weight = 0;
        reverse = false;
        if (s.Args.IsEmpty)
        {
            diagnostics.Error(s.Location, $"'{s.Keyword}' requires a value");
            return false;
        }

        return TrackWeights.TryParse(s.Args, s.Keyword, s.Location, diagnostics, out weight, out reverse);
    }

    public static bool TryInt(this ConfigStatement s, DiagnosticBag diagnostics, long min, long max, out int value)
    {
        value = 0;
        return s.TryValue(diagnostics, out var text)
            && ConfigValues.TryInt(text, s.Keyword, min, max, s.Location, diagnostics, out value);
    }

    public static bool TrySeconds(this ConfigStatement s, DiagnosticBag diagnostics, decimal min, decimal max, out decimal seconds)
    {
        seconds = 0;
        return s.TryValue(diagnostics, out var text)
            && ConfigValues.TrySeconds(text, s.Keyword, min, max, s.Location, diagnostics, out seconds);
    }

    public static bool TryTimeSpan(this ConfigStatement s, DiagnosticBag diagnostics, decimal min, decimal max, out TimeSpan value)
    {
        var ok = s.TrySeconds(diagnostics, min, max, out var seconds);
        value = ConfigValues.ToTimeSpan(seconds);
        return ok;
    }

    public static bool TryAddress(this ConfigStatement s, DiagnosticBag diagnostics, out IPAddress address)
    {
        address = IPAddress.None;
        return s.TryValue(diagnostics, out var text)
            && ConfigValues.TryAddress(text, s.Keyword, s.Location, diagnostics, out address);
    }

    /// <summary>A keyword that takes no value, such as <c>nopreempt</c>.</summary>
    public static bool Flag(this ConfigStatement s, DiagnosticBag diagnostics)
    {
        WarnIfBlock(s, diagnostics);
        if (!s.Args.IsEmpty)
        {
            diagnostics.Warning(s.Location, $"'{s.Keyword}' takes no value; ignored: {string.Join(' ', s.Args)}");
        }

        return true;
    }

    /// <summary>A keyword that must be followed by a <c>{ }</c> block.</summary>
    public static bool RequireBlock(this ConfigStatement s, DiagnosticBag diagnostics)
    {
        if (!s.HasBlock)
        {
            diagnostics.Error(s.Location, $"'{s.Keyword}' requires a {{ }} block");
        }

        return s.HasBlock;
    }

    public static void WarnUnknown(this ConfigStatement s, DiagnosticBag diagnostics) =>
        diagnostics.Warning(s.Location, $"unknown keyword '{s.Keyword}'");

    private static void WarnIfBlock(ConfigStatement s, DiagnosticBag diagnostics)
    {
        if (s.HasBlock)
        {
            diagnostics.Warning(s.Location, $"'{s.Keyword}' does not take a {{ }} block; block ignored");
        }
    }
}
