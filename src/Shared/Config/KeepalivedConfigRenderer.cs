using System.Globalization;
using System.Text;

namespace HaCluster.Shared.Config;

/// <summary>
/// Writes the model back as keepalived.conf text that keepalived 2.2 and <see cref="KeepalivedConfigLoader"/> both
/// accept. The text is canonical (same model, same text), so it also serves as an instance's fingerprint.
/// </summary>
public static class KeepalivedConfigRenderer
{
    public static string Render(KeepalivedConfig config)
    {
        var text = new StringBuilder();
        RenderGlobal(config.Global, text);
        // Scripts and track files before the instances that track them, sync groups after the instances they bind.
        foreach (var script in config.Scripts)
        {
            TrackingRenderer.Script(script, text.Append('\n'));
        }

        foreach (var file in config.TrackFiles)
        {
            TrackingRenderer.TrackFile(file, text.Append('\n'));
        }

        foreach (var instance in config.Instances)
        {
            text.Append('\n').Append(RenderInstance(instance));
        }

        foreach (var group in config.SyncGroups)
        {
            TrackingRenderer.SyncGroup(group, text.Append('\n'));
        }

        return text.ToString();
    }

    /// <summary>The <c>auth_hmac</c> block, keys as <c>hex:</c> (shown configs redact these lines; only agents receive them).</summary>
    private static void RenderHmac(HmacAuthConfig hmac, StringBuilder text)
    {
        text.Append("    auth_hmac {\n");
        foreach (var key in hmac.Keys)
        {
            text.Append(CultureInfo.InvariantCulture, $"        key {key.Id} {HmacAuthConfig.HexValue(key)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"        active_key {hmac.ActiveKey}\n");
        if (hmac.AntiReplay == AntiReplay.Monotonic)
        {
            text.Append("        anti_replay monotonic\n");
        }

        if (hmac.TimeWindow is { } window)
        {
            text.Append(CultureInfo.InvariantCulture, $"        time_window {(int)window.TotalSeconds}\n");
        }

        if (hmac.Mode != HmacMode.Enforce)
        {
            text.Append(CultureInfo.InvariantCulture, $"        mode {HmacAuthConfig.ModeName(hmac.Mode)}\n");
        }

        text.Append("    }\n");
    }

    public static string RenderInstance(VrrpInstanceConfig instance)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"vrrp_instance {instance.Name} {{\n");
        Line(text, "state", instance.InitialState == InitialState.Master ? "MASTER" : "BACKUP");
        Line(text, "interface", instance.Interface);
        Line(text, "virtual_router_id", instance.VirtualRouterId);
        Line(text, "priority", instance.Priority);
        Line(text, "advert_int", Seconds(instance.AdvertInterval));
        Line(text, "version", instance.Version);
        if (!instance.Preempt)
        {
            text.Append("    nopreempt\n");
        }

        if (instance.PreemptDelay > TimeSpan.Zero)
        {
            Line(text, "preempt_delay", Seconds(instance.PreemptDelay));
        }

        RenderHandoff(instance.Handoff, text);
        if (instance.AuthType == AuthType.Pass)
        {
            text.Append(CultureInfo.InvariantCulture, $"    authentication {{\n        auth_type PASS\n        auth_pass {instance.AuthPass}\n    }}\n");
        }

        if (instance.Hmac is { } hmac)
        {
            RenderHmac(hmac, text);
        }

        RenderUnicast(instance, text);
        RenderGarp(instance, text);
        if (instance.SkipCheckAdvertAddresses)
        {
            text.Append("    skip_check_adv_addr\n");
        }

        RenderVirtualIps(instance, text);
        TrackingRenderer.Tracks(instance, text);
        TrackingRenderer.Notify(instance.Notify, text);
        text.Append("}\n");
        return text.ToString();
    }

    private static void RenderHandoff(HandoffConfig handoff, StringBuilder text)
    {
        if (handoff.Primary is { } primary)
        {
            Line(text, "hacluster_primary", primary);
            Line(text, "hacluster_linger", Seconds(handoff.Linger));
        }

        if (handoff.Maintenance != MaintenanceMode.None)
        {
            text.Append(handoff.Maintenance == MaintenanceMode.Strict ? "    hacluster_maintenance strict\n" : "    hacluster_maintenance\n");
        }
    }

    private static void RenderVirtualIps(VrrpInstanceConfig instance, StringBuilder text)
    {
        text.Append("    virtual_ipaddress {\n");
        foreach (var vip in instance.VirtualIps)
        {
            text.Append("        ").Append(RenderVirtualIp(vip)).Append('\n');
        }

        text.Append("    }\n");
    }

    public static string RenderVirtualIp(VirtualIp vip)
    {
        var text = new StringBuilder($"{vip.Address}/{vip.PrefixLength}");
        if (vip.Broadcast is { } broadcast)
        {
            text.Append(CultureInfo.InvariantCulture, $" brd {broadcast}");
        }

        if (vip.Device is { } device)
        {
            text.Append(CultureInfo.InvariantCulture, $" dev {device}");
        }

        if (vip.Scope != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" scope {vip.Scope switch { 253 => "link", 254 => "host", 200 => "site", 255 => "nowhere", var s => s.ToString(CultureInfo.InvariantCulture) }}");
        }

        if (vip.Label is { } label)
        {
            text.Append(CultureInfo.InvariantCulture, $" label {label}");
        }

        return text.ToString();
    }

    /// <summary>The global_defs block alone.</summary>
    public static string RenderGlobal(GlobalDefs global)
    {
        var text = new StringBuilder();
        RenderGlobal(global, text);
        return text.ToString();
    }

    private static void RenderGlobal(GlobalDefs global, StringBuilder text)
    {
        text.Append("global_defs {\n");
        if (global.RouterId is { } routerId)
        {
            Line(text, "router_id", routerId);
        }

        if (global.VrrpStrict)
        {
            text.Append("    vrrp_strict\n");
        }

        if (!global.NotificationEmails.IsEmpty)
        {
            text.Append("    notification_email {\n");
            foreach (var email in global.NotificationEmails)
            {
                text.Append("        ").Append(email).Append('\n');
            }

            text.Append("    }\n");
        }

        if (global.NotificationEmailFrom is { } from)
        {
            Line(text, "notification_email_from", from);
        }

        if (global.SmtpServer is { } smtp)
        {
            Line(text, "smtp_server", global.SmtpPort == 25 ? smtp : $"{smtp} {global.SmtpPort}");
        }

        TrackingRenderer.GlobalScriptSettings(global, text);
        RenderRealtime(global, text);
        text.Append("}\n");
    }

    private static void RenderRealtime(GlobalDefs global, StringBuilder text)
    {
        if (global.RealtimePriority is { } priority)
        {
            Line(text, "vrrp_rt_priority", priority.ToString(CultureInfo.InvariantCulture));
        }

        if (global.RealtimeLimitMicroseconds != RealtimeDefaults.LimitMicroseconds)
        {
            Line(text, "vrrp_rlimit_rttime", global.RealtimeLimitMicroseconds.ToString(CultureInfo.InvariantCulture));
        }

        if (global.NoSwap == true)
        {
            text.Append("    vrrp_no_swap\n");
        }

        if (!global.CpuAffinity.IsEmpty)
        {
            Line(text, "vrrp_cpu_affinity", string.Join(' ', global.CpuAffinity.Select(c => c.ToString(CultureInfo.InvariantCulture))));
        }
    }

    private static void RenderUnicast(VrrpInstanceConfig instance, StringBuilder text)
    {
        if (instance.UnicastSourceIp is { } source)
        {
            Line(text, "unicast_src_ip", source);
        }

        if (instance.UnicastTtl != 255)
        {
            Line(text, "unicast_ttl", instance.UnicastTtl);
        }

        if (instance.UnicastPeers.IsEmpty)
        {
            return;
        }

        text.Append("    unicast_peer {\n");
        foreach (var peer in instance.UnicastPeers)
        {
            text.Append(CultureInfo.InvariantCulture, $"        {peer.Address}");
            text.Append(peer.MinTtl is { } min ? $" min_ttl {min}" : "").Append(peer.MaxTtl is { } max ? $" max_ttl {max}" : "").Append('\n');
        }

        text.Append("    }\n");
    }

    private static void RenderGarp(VrrpInstanceConfig instance, StringBuilder text)
    {
        Line(text, "garp_master_delay", (int)instance.GarpMasterDelay.TotalSeconds);
        Line(text, "garp_master_repeat", instance.GarpMasterRepeat);
        Line(text, "garp_master_refresh", (int)instance.GarpMasterRefresh.TotalSeconds);
        Line(text, "garp_master_refresh_repeat", instance.GarpMasterRefreshRepeat);
        if (instance.GarpInterval > TimeSpan.Zero)
        {
            Line(text, "garp_interval", Seconds(instance.GarpInterval));
        }

        if (instance.GnaInterval > TimeSpan.Zero)
        {
            Line(text, "gna_interval", Seconds(instance.GnaInterval));
        }

        if (instance.ChecksumMode == ChecksumMode.MulticastPseudoHeader)
        {
            text.Append("    old_unicast_checksum\n");
        }
        else if (instance.ChecksumMode == ChecksumMode.NoPseudoHeader)
        {
            text.Append("    v3_checksum_without_pseudo_header\n");
        }
    }

    private static void Line(StringBuilder text, string keyword, object value) =>
        text.Append(CultureInfo.InvariantCulture, $"    {keyword} {value}\n");

    private static string Seconds(TimeSpan value) => TrackingRenderer.Seconds(value);
}
