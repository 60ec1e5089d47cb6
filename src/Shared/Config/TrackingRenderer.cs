using System.Globalization;
using System.Text;

namespace HaCluster.Shared.Config;

/// <summary>The tracking and notify parts of <see cref="KeepalivedConfigRenderer"/>'s output.</summary>
internal static class TrackingRenderer
{
    private const string Indent = "    ";

    public static void GlobalScriptSettings(GlobalDefs global, StringBuilder text)
    {
        if (global.ScriptUser is { } user)
        {
            Line(text, Indent, "script_user", global.ScriptGroup is { } group ? $"{Word(user)} {Word(group)}" : Word(user));
        }

        if (global.EnableScriptSecurity)
        {
            text.Append(Indent).Append("enable_script_security\n");
        }
    }

    public static void Script(VrrpScriptConfig script, StringBuilder text)
    {
        text.Append(CultureInfo.InvariantCulture, $"vrrp_script {Word(script.Name)} {{\n");
        Line(text, Indent, "script", Word(script.Script));
        Line(text, Indent, "interval", Seconds(script.Interval));
        if (script.Timeout is { } timeout)
        {
            Line(text, Indent, "timeout", Seconds(timeout));
        }

        Line(text, Indent, "weight", Weight(script.Weight, script.WeightReverse));
        Line(text, Indent, "rise", script.Rise.ToString(CultureInfo.InvariantCulture));
        Line(text, Indent, "fall", script.Fall.ToString(CultureInfo.InvariantCulture));
        if (script.User is { } user)
        {
            Line(text, Indent, "user", script.Group is { } group ? $"{Word(user)} {Word(group)}" : Word(user));
        }

        if (script.InitFail)
        {
            text.Append(Indent).Append("init_fail\n");
        }

        text.Append("}\n");
    }

    public static void TrackFile(TrackFileConfig file, StringBuilder text)
    {
        text.Append(CultureInfo.InvariantCulture, $"vrrp_track_file {Word(file.Name)} {{\n");
        Line(text, Indent, "file", Word(file.Path));
        Line(text, Indent, "weight", Weight(file.Weight, file.WeightReverse));
        if (file.InitValue is { } value)
        {
            Line(text, Indent, "init_file", file.InitOverwrite ? $"{value} overwrite" : value.ToString(CultureInfo.InvariantCulture));
        }

        text.Append("}\n");
    }

    public static void SyncGroup(SyncGroupConfig group, StringBuilder text)
    {
        text.Append(CultureInfo.InvariantCulture, $"vrrp_sync_group {Word(group.Name)} {{\n");
        text.Append(Indent).Append("group {\n");
        foreach (var instance in group.Instances)
        {
            text.Append(Indent).Append(Indent).Append(Word(instance)).Append('\n');
        }

        text.Append(Indent).Append("}\n");
        Notify(group.Notify, text);
        text.Append("}\n");
    }

    /// <summary>One block per run of one kind, so the lines come back in the same order.</summary>
    public static void Tracks(VrrpInstanceConfig instance, StringBuilder text)
    {
        TrackKind? open = null;
        foreach (var track in instance.Tracks)
        {
            if (track.Kind != open)
            {
                text.Append(open is null ? "" : $"{Indent}}}\n").Append(Indent).Append(InstanceTracking.Keyword(track.Kind)).Append(" {\n");
                open = track.Kind;
            }

            text.Append(Indent).Append(Indent).Append(Word(track.Name));
            text.Append(track.Weight is { } weight ? $" weight {Weight(weight, track.Reverse)}" : "").Append('\n');
        }

        if (open is not null)
        {
            text.Append(Indent).Append("}\n");
        }
    }

    public static void Notify(NotifyConfig notify, StringBuilder text)
    {
        foreach (var (keyword, script) in notify.Lines())
        {
            var who = script.User is { } user ? " " + Word(user) + (script.Group is { } group ? " " + Word(group) : "") : "";
            Line(text, Indent, keyword, Word(script.Command) + who);
        }
    }

    /// <summary>A bare word when the lexer would read it back as one, else a "..." string with \ and " escaped.</summary>
    public static string Word(string value)
    {
        var bare = value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '{' or '}' or '#' or '!' or '"' or '\\');
        if (bare)
        {
            return value;
        }

        return $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
    }

    /// <summary>Every digit down to the tick, so a timer reads back unchanged.</summary>
    public static string Seconds(TimeSpan value) =>
        ((decimal)value.Ticks / TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture);

    private static string Weight(int weight, bool reverse) =>
        reverse ? $"{weight.ToString(CultureInfo.InvariantCulture)} reverse" : weight.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, string indent, string keyword, string value) =>
        text.Append(indent).Append(keyword).Append(' ').Append(value).Append('\n');
}
