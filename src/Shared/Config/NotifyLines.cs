namespace HaCluster.Shared.Config;

/// <summary>The <c>notify*</c> lines shared by vrrp_instance and vrrp_sync_group.</summary>
internal static class NotifyLines
{
    public static bool IsNotify(string keyword) =>
        keyword is "notify_master" or "notify_backup" or "notify_fault" or "notify_stop" or "notify";

    /// <summary>A repeated line replaces the earlier one, as in keepalived.</summary>
    public static NotifyConfig Apply(NotifyConfig notify, ConfigStatement s, DiagnosticBag d)
    {
        if (!s.TryText(d, out var script))
        {
            return notify;
        }

        return s.Keyword switch
        {
            "notify_master" => notify with { Master = script },
            "notify_backup" => notify with { Backup = script },
            "notify_fault" => notify with { Fault = script },
            "notify_stop" => notify with { Stop = script },
            _ => notify with { Any = script },
        };
    }
}
