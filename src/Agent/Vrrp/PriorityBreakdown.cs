namespace HaCluster.Agent.Vrrp;

/// <summary>
/// What an instance's effective priority is made of at one moment: the configured (base) priority, each tracked
/// object's part, maintenance and fault. Immutable, made by the tracking when its result changes, read by anyone.
/// </summary>
public sealed record PriorityBreakdown(int BasePriority, int EffectivePriority, bool Maintenance, bool Fault, IReadOnlyList<TrackPart> Tracks)
{
    public static PriorityBreakdown Untracked(int priority) => new(priority, priority, false, false, []);
}

/// <summary>One tracked object as this instance weighs it: kind (script, interface, file), name, weight, state and what it adds now.</summary>
/// <param name="State">ok, failed or unknown (a script before its first result).</param>
/// <param name="Delta">What it adds to the priority now (negative: takes away).</param>
/// <param name="Faults">It puts the instance in FAULT now.</param>
public sealed record TrackPart(string Kind, string Name, int Weight, bool Reverse, string State, int Value, int Delta, bool Faults);
