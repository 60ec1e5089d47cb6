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
