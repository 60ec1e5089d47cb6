using System.Globalization;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Fleet;

/// <summary>
/// A group's health from its members' reports, pure: two or more masters is a split brain; none is "no master" —
/// unless a member cannot be heard from, which may be the master the controller cannot see ("unreachable"); with one
/// master, an unreachable member or one running an older revision (drift) still shows.
/// </summary>
public static class GroupHealthRules
{
    public static (GroupHealth Health, IReadOnlyList<string> Problems, string? MasterNode) Evaluate(int revision, IReadOnlyList<MemberStatusView> members)
    {
        var problems = new List<string>();
        // A stale member's MASTER is only the last thing it said: it counts as unreachable, never as the master.
        var masters = members.Where(m => m.Connected && !m.Stale && m.State == VrrpState.Master).Select(m => m.Node).ToList();
        var unreachable = false;
        var drift = false;
        foreach (var member in members)
        {
            if (!member.Connected)
            {
                unreachable = true;
                problems.Add($"{member.Node} unreachable");
                continue;
            }

            if (member.Stale)
            {
                unreachable = true;
                problems.Add($"{member.Node} stale (its agent stopped reporting; last known {member.State.Name()})");
                continue;
            }

            if (member.Drift)
            {
                drift = true;
                problems.Add(member.AppliedRevision is > 0 and var applied
                    ? string.Create(CultureInfo.InvariantCulture, $"{member.Node} runs revision {applied} of {revision}")
                    : string.Create(CultureInfo.InvariantCulture, $"{member.Node} does not run revision {revision} yet"));
            }

            if (member.State == VrrpState.Fault)
            {
                problems.Add($"{member.Node} in FAULT");
            }
        }

        if (masters.Count > 1)
        {
            problems.Insert(0, $"{masters.Count} masters: {string.Join(", ", masters)}");
        }

        var health = masters.Count switch
        {
            > 1 => GroupHealth.SplitBrain,
            0 when unreachable => GroupHealth.Unreachable,
            0 => GroupHealth.NoMaster,
            _ when unreachable => GroupHealth.Unreachable,
            _ when drift => GroupHealth.Drift,
            _ => GroupHealth.Ok,
        };
        if (health == GroupHealth.NoMaster)
        {
            problems.Insert(0, "no member is MASTER");
        }

        return (health, problems, masters.Count == 1 ? masters[0] : null);
    }
}
