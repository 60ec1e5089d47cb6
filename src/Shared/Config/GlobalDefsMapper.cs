namespace HaCluster.Shared.Config;

/// <summary>Maps every <c>global_defs</c> block, in file order, onto one <see cref="GlobalDefs"/>.</summary>
internal static class GlobalDefsMapper
{
    // Sanity bounds for gratuitous ARP settings, shared with the instance-level overrides.
    internal const decimal MaxGarpSeconds = 1000;
    internal const int MaxGarpCount = 10_000;
    internal const int MaxGarpDelaySeconds = 86_400;

    /// <summary>keepalived settings HaCluster reads (and checks) but that change nothing it does, and why.</summary>
    private static readonly Dictionary<string, string> NoEffect = new(StringComparer.Ordinal)
    {
        ["notification_email"] = "the agent sends no mail; failover alerts come from the controller (its Alerts settings)",
        ["notification_email_from"] = "the agent sends no mail; failover alerts come from the controller (its Alerts settings)",
        ["smtp_server"] = "the agent sends no mail; failover alerts come from the controller (its Alerts settings)",
        ["smtp_connect_timeout"] = "the agent sends no mail; failover alerts come from the controller (its Alerts settings)",
        ["router_id"] = "the agent is known by its --node name (the host name by default)",
        ["vrrp_gna_interval"] = "HaCluster runs IPv4 instances only, which send no neighbour advertisements",
    };

    public static GlobalDefs Map(IEnumerable<ConfigStatement> blocks, DiagnosticBag diagnostics)
    {
        var global = new GlobalDefs();
        foreach (var statement in blocks.SelectMany(b => b.Children))
        {
            global = Apply(global, statement, diagnostics);
            if (NoEffect.TryGetValue(statement.Keyword, out var why))
            {
                diagnostics.Warning(statement.Location, $"'{statement.Keyword}' has no effect: {why}");
            }
        }

        return global;
    }

    private static GlobalDefs Apply(GlobalDefs g, ConfigStatement s, DiagnosticBag d) => s.Keyword switch
    {
        "router_id" => s.TryValue(d, out var routerId) ? g with { RouterId = routerId } : g,
        "vrrp_strict" => s.Flag(d) ? g with { VrrpStrict = true } : g,
        "vrrp_skip_check_adv_addr" => s.Flag(d) ? g with { SkipCheckAdvertAddresses = true } : g,
        "vrrp_iptables" => IgnoreIptables(g, s, d),
        "vrrp_version" => s.TryInt(d, 2, 3, out var version) ? g with { DefaultVersion = version } : g,
        "vrrp_garp_interval" => s.TryTimeSpan(d, 0, MaxGarpSeconds, out var garp) ? g with { GarpInterval = garp } : g,
        "vrrp_gna_interval" => s.TryTimeSpan(d, 0, MaxGarpSeconds, out var gna) ? g with { GnaInterval = gna } : g,
        "vrrp_garp_master_delay" => s.TryInt(d, 0, MaxGarpDelaySeconds, out var delay)
            ? g with { GarpMasterDelay = TimeSpan.FromSeconds(delay) } : g,
        "vrrp_garp_master_repeat" => s.TryInt(d, 1, MaxGarpCount, out var repeat) ? g with { GarpMasterRepeat = repeat } : g,
        "vrrp_garp_master_refresh" => s.TryInt(d, 0, MaxGarpDelaySeconds, out var refresh)
            ? g with { GarpMasterRefresh = TimeSpan.FromSeconds(refresh) } : g,
        "vrrp_garp_master_refresh_repeat" => s.TryInt(d, 1, MaxGarpCount, out var refreshRepeat)
            ? g with { GarpMasterRefreshRepeat = refreshRepeat } : g,
        "notification_email" => g with { NotificationEmails = [.. g.NotificationEmails, .. Emails(s, d)] },
        "notification_email_from" => s.TryValue(d, out var from) ? g with { NotificationEmailFrom = from } : g,
        "smtp_server" => SmtpServer(g, s, d),
        "script_user" => VrrpScriptMapper.TryUser(s, d, out var user, out var group) ? g with { ScriptUser = user, ScriptGroup = group } : g,
        "enable_script_security" => s.Flag(d) ? g with { EnableScriptSecurity = true } : g,
        "smtp_connect_timeout" => s.TryInt(d, 1, 3600, out var timeout)
            ? g with { SmtpConnectTimeout = TimeSpan.FromSeconds(timeout) } : g,
        "vrrp_rt_priority" => s.TryInt(d, int.MinValue, int.MaxValue, out var rt) ? g with { RealtimePriority = RealtimePriority(rt, s, d) } : g,
        "vrrp_rlimit_rttime" or "vrrp_rlimit_rtime" => RealtimeLimit(g, s, d),
        "vrrp_no_swap" => s.Flag(d) ? g with { NoSwap = true } : g,
        "vrrp_cpu_affinity" => CpuAffinity(g, s, d),
        _ => Unknown(g, s, d),
    };

    /// <summary>As keepalived: a priority outside 1-99 is brought inside, with a warning. 0 (HaCluster's): never real-time.</summary>
    private static int RealtimePriority(int value, ConfigStatement s, DiagnosticBag d)
    {
        var clamped = Math.Clamp(value, 0, 99);
        if (clamped != value)
        {
            d.Warning(s.Location, $"vrrp_rt_priority {value} is outside 1-99 (0: never real-time): {clamped} used");
        }

        return clamped;
    }

    private static GlobalDefs RealtimeLimit(GlobalDefs g, ConfigStatement s, DiagnosticBag d)
    {
        if (s.Keyword == "vrrp_rlimit_rtime")
        {
            d.Warning(s.Location, "'vrrp_rlimit_rtime' is the old spelling of 'vrrp_rlimit_rttime'");
        }

        // keepalived raises 1 to 2: the soft limit is half of it, and must not be 0.
        return s.TryInt(d, 1, int.MaxValue, out var micros) ? g with { RealtimeLimitMicroseconds = Math.Max(2, micros) } : g;
    }

    private static GlobalDefs CpuAffinity(GlobalDefs g, ConfigStatement s, DiagnosticBag d)
    {
        if (s.Args.IsEmpty)
        {
            d.Error(s.Location, "'vrrp_cpu_affinity' requires at least one CPU number");
            return g;
        }

        var cpus = new List<int>();
        foreach (var arg in s.Args)
        {
            if (!ConfigValues.TryInt(arg, "vrrp_cpu_affinity", 0, RealtimeDefaults.MaxCpu, s.Location, d, out var cpu))
            {
                return g; // as keepalived: one bad CPU and no affinity is set at all
            }

            cpus.Add(cpu);
        }

        return g with { CpuAffinity = [.. cpus.Distinct().Order()] };
    }

    private static GlobalDefs IgnoreIptables(GlobalDefs g, ConfigStatement s, DiagnosticBag d)
    {
        d.Warning(s.Location, "'vrrp_iptables' is ignored: HaCluster never touches iptables");
        return g;
    }

    private static IEnumerable<string> Emails(ConfigStatement s, DiagnosticBag d)
    {
        if (!s.RequireBlock(d))
        {
            return [];
        }

        foreach (var extra in s.Children.Where(c => !c.Args.IsEmpty || c.HasBlock))
        {
            d.Warning(extra.Location, $"notification_email: expected one address per line; only '{extra.Keyword}' used");
        }

        return s.Children.Select(c => c.Keyword).ToList();
    }

    private static GlobalDefs SmtpServer(GlobalDefs g, ConfigStatement s, DiagnosticBag d)
    {
        if (s.Args.IsEmpty)
        {
            d.Error(s.Location, "'smtp_server' requires a value");
            return g;
        }

        var host = s.Args[0];
        var hostOk = ConfigValues.LooksLikeAddress(host)
            ? ConfigValues.TryAddress(host, s.Keyword, s.Location, d, out _)
            : ReportBadHost(host, s, d);
        var port = g.SmtpPort;
        var portOk = s.Args.Length < 2 || ConfigValues.TryInt(s.Args[1], "smtp_server port", 1, 65535, s.Location, d, out port);
        if (s.Args.Length > 2)
        {
            d.Warning(s.Location, $"'smtp_server': extra arguments ignored: {string.Join(' ', s.Args.Skip(2))}");
        }

        return hostOk && portOk ? g with { SmtpServer = host, SmtpPort = port } : g;
    }

    private static bool ReportBadHost(string host, ConfigStatement s, DiagnosticBag d)
    {
        if (ConfigValues.IsHostName(host))
        {
            return true;
        }

        d.Error(s.Location, $"smtp_server: '{host}' is neither an IP address nor a host name");
        return false;
    }

    private static GlobalDefs Unknown(GlobalDefs g, ConfigStatement s, DiagnosticBag d)
    {
        s.WarnUnknown(d);
        return g;
    }
}
