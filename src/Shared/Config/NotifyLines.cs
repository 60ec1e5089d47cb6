namespace HaCluster.Shared.Config;

/// <summary>The <c>notify*</c> lines shared by vrrp_instance and vrrp_sync_group.</summary>
internal static class NotifyLines
{
    public static bool IsNotify(string keyword) =>
        keyword is "notify_master" or "notify_backup" or "notify_fault" or "notify_stop" or "notify";

    /// <summary>
    /// <c>notify_master SCRIPT [USER [GROUP]]</c>: the script is the first word (a quoted string is one word), then the
    /// user and group that run it, as in keepalived. A repeated line replaces the earlier one.
    /// </summary>
    public static NotifyConfig Apply(NotifyConfig notify, ConfigStatement s, DiagnosticBag d)
    {
        if (!s.TryValues(d, 3, out var values) || string.IsNullOrWhiteSpace(values[0]))
        {
            if (values is [var empty, ..] && string.IsNullOrWhiteSpace(empty))
            {
                d.Error(s.Location, $"'{s.Keyword}' requires a value");
            }

            return notify;
        }

        var script = new NotifyScript(values[0], values.Length > 1 ? values[1] : null, values.Length > 2 ? values[2] : null);

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
