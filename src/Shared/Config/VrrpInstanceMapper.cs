namespace HaCluster.Shared.Config;

/// <summary>
/// Maps one <c>vrrp_instance NAME { ... }</c> block. Settings not given in the block take their
/// defaults from global_defs, whatever order the blocks appear in.
/// </summary>
internal static class VrrpInstanceMapper
{
    private const decimal MaxGarpSeconds = GlobalDefsMapper.MaxGarpSeconds;
    private const decimal MaxLingerSeconds = 10;
    private const int MaxGarpCount = GlobalDefsMapper.MaxGarpCount;
    private const int MaxGarpDelaySeconds = GlobalDefsMapper.MaxGarpDelaySeconds;

    private sealed class Draft(VrrpInstanceConfig config)
    {
        public VrrpInstanceConfig Config { get; set; } = config;
        public HashSet<string> Seen { get; } = [];
        public decimal? AdvertSeconds { get; set; }
        public SourceLocation AdvertLocation { get; set; }
        public SourceLocation? AuthLocation { get; set; }
        public SourceLocation? HmacLocation { get; set; }
        public SourceLocation? NopreemptLocation { get; set; }
    }

    /// <summary>
    /// Returns null only without a name. An instance lacking a usable interface or VRID is still returned
    /// (with "" or 0) so the validator can report its other problems; see <see cref="IsComplete"/>.
    /// </summary>
    public static VrrpInstanceConfig? Map(ConfigStatement block, GlobalDefs global, DiagnosticBag d)
    {
        if (block.Args.IsEmpty)
        {
            d.Error(block.Location, "'vrrp_instance' requires a name");
            return null;
        }

        if (block.Args.Length > 1)
        {
            d.Warning(block.Location, $"'vrrp_instance': extra arguments ignored: {string.Join(' ', block.Args.Skip(1))}");
        }

        var draft = new Draft(Defaults(block.Args[0], block.Location, global));
        foreach (var statement in block.Children)
        {
            draft.Seen.Add(statement.Keyword);
            draft.Config = Apply(draft, statement, d);
        }

        var complete = Complete(draft, d);
        complete = complete with { Notify = complete.Notify.WithDefaultUser(global.ScriptUser, global.ScriptGroup) };
        return Strict(complete, draft, global, d);
    }

    /// <summary>vrrp_strict, as keepalived enforces it: no authentication, at least one VIP, adverts' addresses always checked.</summary>
    private static VrrpInstanceConfig Strict(VrrpInstanceConfig c, Draft draft, GlobalDefs global, DiagnosticBag d)
    {
        if (!global.VrrpStrict)
        {
            return c;
        }

        if (c.AuthType != AuthType.None && draft.AuthLocation is { } authAt)
        {
            d.Warning(authAt, "authentication is ignored with vrrp_strict (RFC 3768 §5.3.6 and RFC 5798 leave it out)");
            c = c with { AuthType = AuthType.None, AuthPass = null };
        }

        if (c.Hmac is { Mode: not HmacMode.Enforce } hmac)
        {
            // As keepalived: strict mode accepts only signed adverts.
            d.Warning(hmac.Location, $"auth_hmac: mode {HmacAuthConfig.ModeName(hmac.Mode)} is raised to enforce by vrrp_strict");
            c = c with { Hmac = hmac with { Mode = HmacMode.Enforce } };
        }

        if (c.VirtualIps.IsEmpty)
        {
            d.Error(c.Location, $"vrrp_instance '{c.Name}': vrrp_strict requires at least one virtual_ipaddress");
        }

        return c with { SkipCheckAdvertAddresses = false };
    }

    private static VrrpInstanceConfig Defaults(string name, SourceLocation at, GlobalDefs g) => new(name, "", 0)
    {
        Location = at,
        Version = g.DefaultVersion ?? 2,
        SkipCheckAdvertAddresses = g.SkipCheckAdvertAddresses,
        GarpMasterDelay = g.GarpMasterDelay,
        GarpMasterRepeat = g.GarpMasterRepeat,
        GarpMasterRefresh = g.GarpMasterRefresh,
        GarpMasterRefreshRepeat = g.GarpMasterRefreshRepeat,
        GarpInterval = g.GarpInterval,
        GnaInterval = g.GnaInterval,
    };

    private static VrrpInstanceConfig Apply(Draft draft, ConfigStatement s, DiagnosticBag d)
    {
        var c = draft.Config;
        return s.Keyword switch
        {
            "state" => State(c, s, d),
            "interface" => s.TryValue(d, out var name) && InterfaceNames.Check(name, s.Keyword, s.Location, d)
                ? c with { Interface = name } : c,
            "virtual_router_id" => s.TryInt(d, 1, 255, out var vrid) ? c with { VirtualRouterId = (byte)vrid } : c,
            "priority" => s.TryInt(d, 1, 255, out var priority) ? c with { Priority = (byte)priority } : c,
            "advert_int" => AdvertInt(draft, s, d),
            "version" => s.TryInt(d, 2, 3, out var version) ? c with { Version = version } : c,
            "nopreempt" => Nopreempt(draft, s, d),
            "preempt" => s.Flag(d) ? c with { Preempt = true } : c,
            "preempt_delay" => s.TryTimeSpan(d, 0, 1000, out var preemptDelay) ? c with { PreemptDelay = preemptDelay } : c,
            "authentication" => Authentication(draft, s, d),
            "auth_hmac" => AuthHmac(draft, s, d),
            "unicast_src_ip" => s.TryAddress(d, out var source) ? c with { UnicastSourceIp = source } : c,
            "unicast_peer" => c with { UnicastPeers = [.. c.UnicastPeers, .. InstanceBlocks.UnicastPeers(s, d)] },
            "unicast_ttl" => s.TryInt(d, 1, 255, out var ttl) ? c with { UnicastTtl = (byte)ttl } : c,
            "virtual_ipaddress" => c with { VirtualIps = [.. c.VirtualIps, .. VirtualIpParser.Block(s, d)] },
            // keepalived's pre-1.3.6 unicast v3 checksum (224.0.0.18 in the pseudo-header)...
            "old_unicast_checksum" => s.Flag(d) ? c with { ChecksumMode = ChecksumMode.MulticastPseudoHeader } : c,
            // ...and HaCluster's name for the v2-style one (no pseudo-header) some vendors send.
            "v3_checksum_without_pseudo_header" => s.Flag(d) ? c with { ChecksumMode = ChecksumMode.NoPseudoHeader } : c,
            "skip_check_adv_addr" => s.Flag(d) ? c with { SkipCheckAdvertAddresses = true } : c,
            "hacluster_primary" => s.TryAddress(d, out var primary) ? c with { Handoff = c.Handoff with { Primary = primary } } : c,
            "hacluster_linger" => s.TryTimeSpan(d, 0, MaxLingerSeconds, out var linger) ? c with { Handoff = c.Handoff with { Linger = linger } } : c,
            "hacluster_maintenance" => Maintenance(c, s, d),
            _ => Garp(c, s, d),
        };
    }

    private static VrrpInstanceConfig Garp(VrrpInstanceConfig c, ConfigStatement s, DiagnosticBag d) => s.Keyword switch
    {
        "garp_master_delay" => s.TryInt(d, 0, MaxGarpDelaySeconds, out var delay)
            ? c with { GarpMasterDelay = TimeSpan.FromSeconds(delay) } : c,
        "garp_master_repeat" => s.TryInt(d, 1, MaxGarpCount, out var repeat) ? c with { GarpMasterRepeat = repeat } : c,
        "garp_master_refresh" => s.TryInt(d, 0, MaxGarpDelaySeconds, out var refresh)
            ? c with { GarpMasterRefresh = TimeSpan.FromSeconds(refresh) } : c,
        "garp_master_refresh_repeat" => s.TryInt(d, 1, MaxGarpCount, out var refreshRepeat)
            ? c with { GarpMasterRefreshRepeat = refreshRepeat } : c,
        "garp_interval" => s.TryTimeSpan(d, 0, MaxGarpSeconds, out var garp) ? c with { GarpInterval = garp } : c,
        "gna_interval" => GnaInterval(c, s, d),
        _ => Tracking(c, s, d),
    };

    private static VrrpInstanceConfig Tracking(VrrpInstanceConfig c, ConfigStatement s, DiagnosticBag d)
    {
        if (InstanceTracking.KindOf(s.Keyword) is { } kind)
        {
            return c with { Tracks = [.. c.Tracks, .. InstanceTracking.Block(s, kind, d)] };
        }

        return NotifyLines.IsNotify(s.Keyword) ? c with { Notify = NotifyLines.Apply(c.Notify, s, d) } : Unknown(c, s, d);
    }

    private static VrrpInstanceConfig State(VrrpInstanceConfig c, ConfigStatement s, DiagnosticBag d)
    {
        if (!s.TryValue(d, out var state))
        {
            return c;
        }

        if (state.Equals("MASTER", StringComparison.OrdinalIgnoreCase))
        {
            return c with { InitialState = InitialState.Master };
        }

        if (state.Equals("BACKUP", StringComparison.OrdinalIgnoreCase))
        {
            return c with { InitialState = InitialState.Backup };
        }

        d.Error(s.Location, $"state: '{state}' is not MASTER or BACKUP");
        return c;
    }

    private static VrrpInstanceConfig AdvertInt(Draft draft, ConfigStatement s, DiagnosticBag d)
    {
        if (s.TrySeconds(d, 0, 255, out var seconds))
        {
            draft.AdvertSeconds = seconds;
            draft.AdvertLocation = s.Location;
        }

        return draft.Config;
    }

    private static VrrpInstanceConfig Authentication(Draft draft, ConfigStatement s, DiagnosticBag d)
    {
        var (type, pass) = InstanceBlocks.Authentication(s, d);
        draft.AuthLocation = s.Location;
        return draft.Config with { AuthType = type, AuthPass = pass };
    }

    /// <summary><c>hacluster_maintenance</c> (a last resort) or <c>hacluster_maintenance strict</c> (never master).</summary>
    private static VrrpInstanceConfig Maintenance(VrrpInstanceConfig c, ConfigStatement s, DiagnosticBag d)
    {
        switch (s.Args.Length)
        {
            case 0:
                return c with { Handoff = c.Handoff with { Maintenance = MaintenanceMode.LastResort } };
            case 1 when s.Args[0] == "strict":
                return c with { Handoff = c.Handoff with { Maintenance = MaintenanceMode.Strict } };
            default:
                d.Error(s.Location, $"'{s.Keyword}' takes nothing or 'strict', not '{string.Join(' ', s.Args)}'");
                return c;
        }
    }

    private static VrrpInstanceConfig Nopreempt(Draft draft, ConfigStatement s, DiagnosticBag d)
    {
        if (!s.Flag(d))
        {
            return draft.Config;
        }

        draft.NopreemptLocation = s.Location;
        return draft.Config with { Preempt = false };
    }

    private static VrrpInstanceConfig AuthHmac(Draft draft, ConfigStatement s, DiagnosticBag d)
    {
        draft.HmacLocation = s.Location;
        return draft.Config with { Hmac = HmacAuthBlock.Parse(s, d) };
    }

    private static VrrpInstanceConfig Unknown(VrrpInstanceConfig c, ConfigStatement s, DiagnosticBag d)
    {
        s.WarnUnknown(d);
        return c;
    }

    private static VrrpInstanceConfig Complete(Draft draft, DiagnosticBag d)
    {
        var c = draft.Config;
        ReportMissing(draft, "interface", d);
        ReportMissing(draft, "virtual_router_id", d);
        c = c with { AdvertInterval = AdvertInterval(draft, c.Version, d) };
        if (draft.HmacLocation is { } hmacAt && draft.AuthLocation is { } legacyAt)
        {
            // keepalived drops the legacy block; both at once is a mistake worth stopping for.
            d.Error(legacyAt, $"authentication and auth_hmac (line {hmacAt.Line}) are exclusive: HMAC-signed adverts carry no password");
            c = c with { AuthType = AuthType.None, AuthPass = null };
        }

        if (c.InitialState == InitialState.Master && !c.Preempt && draft.NopreemptLocation is { } nopreemptAt)
        {
            // keepalived clears nopreempt on a MASTER-state instance; the node would take the VIP back after all.
            d.Warning(nopreemptAt, "nopreempt is ignored with state MASTER (keepalived clears it): use state BACKUP on every node that must not take the VIP back");
            c = c with { Preempt = true };
        }
        if (c.Version == 3 && draft.AuthLocation is { } authAt && c.AuthType != AuthType.None)
        {
            // RFC 5798 §9 removed authentication from VRRPv3.
            d.Warning(authAt, "authentication is ignored with VRRP version 3 (RFC 5798 removed it)");
            c = c with { AuthType = AuthType.None, AuthPass = null };
        }

        return c;
    }

    public static bool IsComplete(VrrpInstanceConfig instance) =>
        instance.Interface.Length > 0 && instance.VirtualRouterId != 0;

    private static void ReportMissing(Draft draft, string keyword, DiagnosticBag d)
    {
        if (!draft.Seen.Contains(keyword))
        {
            d.Error(draft.Config.Location, $"vrrp_instance '{draft.Config.Name}' has no '{keyword}'");
        }
    }

    /// <summary>
    /// RFC 3768 §5.3.7 carries the v2 interval in whole seconds (8 bits); RFC 5798 §5.2.7 carries the v3
    /// one in centiseconds (12 bits), hence 0.01-40.95.
    /// </summary>
    private static TimeSpan AdvertInterval(Draft draft, int version, DiagnosticBag d)
    {
        var fallback = TimeSpan.FromSeconds(1);
        if (draft.AdvertSeconds is not { } seconds)
        {
            return fallback;
        }

        var at = draft.AdvertLocation;
        if (seconds <= 0)
        {
            d.Error(at, $"advert_int {seconds} must be greater than 0");
            return fallback;
        }

        if (version == 2 && seconds != decimal.Truncate(seconds))
        {
            d.Error(at, $"advert_int {seconds} is invalid for VRRP version 2: must be whole seconds (1-255)");
            return fallback;
        }

        if (version == 3 && (seconds > 40.95m || seconds * 100 != decimal.Truncate(seconds * 100)))
        {
            d.Error(at, $"advert_int {seconds} is invalid for VRRP version 3: must be 0.01-40.95 in steps of 0.01");
            return fallback;
        }

        return ConfigValues.ToTimeSpan(seconds);
    }

    private static VrrpInstanceConfig GnaInterval(VrrpInstanceConfig c, ConfigStatement s, DiagnosticBag d)
    {
        d.Warning(s.Location, "'gna_interval' has no effect: HaCluster runs IPv4 instances only, which send no neighbour advertisements");
        return s.TryTimeSpan(d, 0, MaxGarpSeconds, out var gna) ? c with { GnaInterval = gna } : c;
    }
}
