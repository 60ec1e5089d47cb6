namespace HaCluster.Shared.Vocabulary;

/// <summary>
/// The string forms of the shared vocabulary (the enums of <c>Protos/vocabulary.proto</c>), defined here once: what log
/// lines, notify scripts, the REST API's JSON and the history's columns say. VRRP states in capitals as keepalived
/// prints them; reasons, kinds and health in snake case. The unspecified value reads <c>UNKNOWN</c> / <c>unknown</c>.
/// </summary>
public static class Names
{
    private static readonly Table<VrrpState> States = new(
    [
        (VrrpState.Unspecified, "UNKNOWN"),
        (VrrpState.Init, "INIT"),
        (VrrpState.Backup, "BACKUP"),
        (VrrpState.Master, "MASTER"),
        (VrrpState.Fault, "FAULT"),
        (VrrpState.Stopped, "STOP"),
    ]);

    private static readonly Table<TransitionReason> Reasons = new(
    [
        (TransitionReason.Unspecified, "unknown"),
        (TransitionReason.Startup, "startup"),
        (TransitionReason.AddressOwner, "address_owner"),
        (TransitionReason.MasterDownTimer, "master_down_timer"),
        (TransitionReason.PriorityZeroReceived, "priority_zero_received"),
        (TransitionReason.HigherPriorityHeard, "higher_priority_heard"),
        (TransitionReason.EqualPriorityHigherAddress, "equal_priority_higher_address"),
        (TransitionReason.InterfaceDown, "interface_down"),
        (TransitionReason.InterfaceUp, "interface_up"),
        (TransitionReason.VipBindFailed, "vip_bind_failed"),
        (TransitionReason.FaultRetry, "fault_retry"),
        (TransitionReason.TrackingFailed, "tracking_failed"),
        (TransitionReason.TrackingRecovered, "tracking_recovered"),
        (TransitionReason.SyncGroup, "sync_group"),
        (TransitionReason.Shutdown, "shutdown"),
        (TransitionReason.Preempt, "preempt"),
        (TransitionReason.InterfaceUnusable, "interface_unusable"),
        (TransitionReason.Switchover, "switchover"),
    ]);

    private static readonly Table<EventKind> Kinds = new(
    [
        (EventKind.Unspecified, "unknown"),
        (EventKind.Transition, "transition"),
        (EventKind.Health, "health"),
        (EventKind.Node, "node"),
        (EventKind.Config, "config"),
        (EventKind.Operation, "operation"),
    ]);

    private static readonly Table<GroupHealth> Healths = new(
    [
        (GroupHealth.Unspecified, "unknown"),
        (GroupHealth.Ok, "ok"),
        (GroupHealth.NoMaster, "no_master"),
        (GroupHealth.SplitBrain, "split_brain"),
        (GroupHealth.Unreachable, "unreachable"),
        (GroupHealth.Drift, "drift"),
    ]);

    private static readonly Table<Role> Roles = new(
    [
        (Role.Unspecified, "unknown"),
        (Role.Agent, "agent"),
        (Role.Viewer, "viewer"),
        (Role.Operator, "operator"),
        (Role.Admin, "admin"),
    ]);

    public static string Name(this VrrpState value) => States.Name(value);

    public static string Name(this TransitionReason value) => Reasons.Name(value);

    public static string Name(this EventKind value) => Kinds.Name(value);

    public static string Name(this GroupHealth value) => Healths.Name(value);

    public static string Name(this Role value) => Roles.Name(value);

    public static bool TryParse(string? name, out VrrpState value) => States.TryParse(name, out value);

    public static bool TryParse(string? name, out TransitionReason value) => Reasons.TryParse(name, out value);

    public static bool TryParse(string? name, out EventKind value) => Kinds.TryParse(name, out value);

    public static bool TryParse(string? name, out GroupHealth value) => Healths.TryParse(name, out value);

    public static bool TryParse(string? name, out Role value) => Roles.TryParse(name, out value);

    /// <summary>A role a person or a tool may hold (a user, an API key, a certificate from <c>cert create</c>): not agent.</summary>
    public static bool IsPersonRole(this Role value) => value is Role.Viewer or Role.Operator or Role.Admin;

    /// <summary>Whether a person holding <paramref name="held"/> may do what <paramref name="needed"/> may: admin ⊇ operator ⊇ viewer.</summary>
    public static bool Grants(this Role held, Role needed) => held.IsPersonRole() && needed.IsPersonRole() && held >= needed;

    /// <summary>The names a parameter of this kind may take (for "'x' is not one of ..." messages), without the unspecified one.</summary>
    public static IReadOnlyList<string> All<T>()
        where T : struct, Enum => typeof(T) == typeof(VrrpState) ? States.Specified
            : typeof(T) == typeof(TransitionReason) ? Reasons.Specified
            : typeof(T) == typeof(EventKind) ? Kinds.Specified
            : typeof(T) == typeof(GroupHealth) ? Healths.Specified
            : typeof(T) == typeof(Role) ? Roles.Specified
            : throw new ArgumentException($"{typeof(T).Name} is not part of the shared vocabulary");

    /// <summary>
    /// Both directions of one enum's names; every value of the enum must have one (checked by a test). A handful of
    /// entries, searched in order: no hashing, and no collection types for the agent's NativeAOT image to carry.
    /// </summary>
    private sealed class Table<T>(params (T Value, string Name)[] entries)
        where T : struct, Enum
    {
        public IReadOnlyList<string> Specified { get; } = [.. entries[1..].Select(e => e.Name)];

        /// <summary>A value from a newer peer that this build does not know reads as its number.</summary>
        public string Name(T value)
        {
            foreach (var (known, name) in entries)
            {
                if (EqualityComparer<T>.Default.Equals(known, value))
                {
                    return name;
                }
            }

            return Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool TryParse(string? name, out T value)
        {
            foreach (var (known, text) in entries)
            {
                if (string.Equals(text, name, StringComparison.Ordinal))
                {
                    value = known;
                    return true;
                }
            }

            value = default;
            return false;
        }
    }
}
