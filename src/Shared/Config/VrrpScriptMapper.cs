namespace HaCluster.Shared.Config;

/// <summary>Maps one <c>vrrp_script NAME { ... }</c> block.</summary>
internal static class VrrpScriptMapper
{
    /// <summary>A day; a longer period between checks is surely a typo.</summary>
    internal const decimal MaxScriptSeconds = 86_400;

    /// <summary>Returns null without a name or a usable <c>script</c>.</summary>
    public static VrrpScriptConfig? Map(ConfigStatement block, GlobalDefs global, DiagnosticBag d)
    {
        if (!block.TryName(d, out var name))
        {
            return null;
        }

        var script = new VrrpScriptConfig(name, "") { Location = block.Location };
        foreach (var statement in block.Children)
        {
            script = Apply(script, statement, d);
        }

        if (!block.Children.Any(c => c.Keyword == "script"))
        {
            d.Error(block.Location, $"vrrp_script '{name}' has no 'script'");
        }

        if (script.Script.Length == 0)
        {
            return null;
        }

        return script.User is null && global.ScriptUser is { } user
            ? script with { User = user, Group = global.ScriptGroup }
            : script;
    }

    private static VrrpScriptConfig Apply(VrrpScriptConfig c, ConfigStatement s, DiagnosticBag d) => s.Keyword switch
    {
        "script" => s.TryText(d, out var command) ? c with { Script = command } : c,
        "interval" => TryPeriod(s, d, out var interval) ? c with { Interval = interval } : c,
        "timeout" => TryPeriod(s, d, out var timeout) ? c with { Timeout = timeout } : c,
        "weight" => s.TryWeight(d, out var weight, out var reverse) ? c with { Weight = weight, WeightReverse = reverse } : c,
        "rise" => s.TryInt(d, 1, int.MaxValue, out var rise) ? c with { Rise = rise } : c,
        "fall" => s.TryInt(d, 1, int.MaxValue, out var fall) ? c with { Fall = fall } : c,
        "user" => TryUser(s, d, out var user, out var group) ? c with { User = user, Group = group } : c,
        "init_fail" => s.Flag(d) ? c with { InitFail = true } : c,
        _ => Unknown(c, s, d),
    };

    private static bool TryPeriod(ConfigStatement s, DiagnosticBag d, out TimeSpan period)
    {
        period = TimeSpan.Zero;
        if (!s.TrySeconds(d, 0, MaxScriptSeconds, out var seconds))
        {
            return false;
        }

        if (seconds <= 0)
        {
            d.Error(s.Location, $"{s.Keyword} {seconds} must be greater than 0");
            return false;
        }

        period = ConfigValues.ToTimeSpan(seconds);
        return true;
    }

    /// <summary><c>user USER [GROUP]</c>, also the syntax of global_defs <c>script_user</c>.</summary>
    internal static bool TryUser(ConfigStatement s, DiagnosticBag d, out string? user, out string? group)
    {
        var ok = s.TryValues(d, 2, out var values);
        user = ok ? values[0] : null;
        group = values.Length > 1 ? values[1] : null;
        return ok;
    }

    private static VrrpScriptConfig Unknown(VrrpScriptConfig c, ConfigStatement s, DiagnosticBag d)
    {
        s.WarnUnknown(d);
        return c;
    }
}
