using HaCluster.Shared.Collections;

namespace HaCluster.Shared.Config;

/// <summary>A <c>vrrp_script NAME { ... }</c> block: a health check whose result can move an instance's priority.</summary>
public sealed record VrrpScriptConfig(string Name, string Script)
{
    public SourceLocation Location { get; init; }
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>null: the script may run up to one interval (keepalived's default).</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>−253..253; 0 means a failing script puts the tracking instances in FAULT.</summary>
    public int Weight { get; init; }
    public bool WeightReverse { get; init; }
    public int Rise { get; init; } = 1;
    public int Fall { get; init; } = 1;
    public string? User { get; init; }
    public string? Group { get; init; }
    /// <summary>Start in the failed state until the script has succeeded <see cref="Rise"/> times.</summary>
    public bool InitFail { get; init; }
}

/// <summary>A <c>vrrp_track_file NAME { file PATH; weight W [reverse] }</c> block: the integer in the file × weight.</summary>
public sealed record TrackFileConfig(string Name, string Path)
{
    public SourceLocation Location { get; init; }
    public int Weight { get; init; } = 1;
    public bool WeightReverse { get; init; }
    /// <summary><c>init_file [VALUE] [overwrite]</c>: create the file with this value (0 when not given).</summary>
    public int? InitValue { get; init; }
    public bool InitOverwrite { get; init; }
}

public enum TrackKind
{
    Script,
    Interface,
    File,
}

/// <summary>One line of an instance's <c>track_script</c>, <c>track_interface</c> or <c>track_file</c> block.</summary>
public sealed record TrackReference(TrackKind Kind, string Name)
{
    public SourceLocation Location { get; init; }
    /// <summary>The line's own <c>weight W</c>; null: the tracked object's weight (scripts, files) or 0 (interfaces).</summary>
    public int? Weight { get; init; }
    public bool Reverse { get; init; }
}

/// <summary>keepalived's notify scripts of an instance or a sync group.</summary>
public sealed record NotifyConfig
{
    public static readonly NotifyConfig None = new();

    public NotifyScript? Master { get; init; }
    public NotifyScript? Backup { get; init; }
    public NotifyScript? Fault { get; init; }
    public NotifyScript? Stop { get; init; }
    /// <summary><c>notify</c>: called on every change with INSTANCE|GROUP, name, state, priority appended.</summary>
    public NotifyScript? Any { get; init; }

    /// <summary>The configured scripts with their keywords, in keepalived's order.</summary>
    public IEnumerable<(string Keyword, NotifyScript Script)> Lines()
    {
        (string, NotifyScript?)[] all = [("notify_master", Master), ("notify_backup", Backup), ("notify_fault", Fault), ("notify_stop", Stop), ("notify", Any)];
        return all.Where(l => l.Item2 is not null).Select(l => (l.Item1, l.Item2!));
    }

    /// <summary>Every script with no user of its own runs as global_defs <c>script_user</c> (when set).</summary>
    public NotifyConfig WithDefaultUser(string? user, string? group) => user is null ? this : this with
    {
        Master = Master?.WithDefaultUser(user, group),
        Backup = Backup?.WithDefaultUser(user, group),
        Fault = Fault?.WithDefaultUser(user, group),
        Stop = Stop?.WithDefaultUser(user, group),
        Any = Any?.WithDefaultUser(user, group),
    };

    public bool IsEmpty => this == None;
}

/// <summary>A <c>vrrp_sync_group NAME { group { VI_1 VI_2 } }</c>: its instances change state together.</summary>
public sealed record SyncGroupConfig(string Name, EquatableArray<string> Instances)
{
    public SourceLocation Location { get; init; }
    /// <summary>Where each of <see cref="Instances"/> is named, index for index (empty when built in code).</summary>
    public EquatableArray<SourceLocation> InstanceLocations { get; init; } = [];
    public NotifyConfig Notify { get; init; } = NotifyConfig.None;
}

/// <summary>
/// One <c>notify*</c> line: keepalived's <c>notify_master SCRIPT|"SCRIPT ARGS" [USER [GROUP]]</c> — the script is one word
/// (quote it to give it arguments), then who runs it.
/// </summary>
public sealed record NotifyScript(string Command, string? User = null, string? Group = null)
{
    public NotifyScript WithDefaultUser(string user, string? group) => User is null ? this with { User = user, Group = group } : this;

    /// <summary>A script run as the agent's (or script_user's) user.</summary>
    public static implicit operator NotifyScript(string command) => new(command);
}
