using System.Globalization;

namespace HaCluster.Controller.Fleet;

/// <summary>
/// A group's health from its members' reports, pure: two or more masters is a split brain; none is "no master" —
/// unless a member cannot be heard from, which may be the master the controller cannot see ("unreachable"); with one
/// master, an unreachable member or one running an older revision (drift) still shows.
/// </summary>
public static class GroupHealthRules
{
    public const string Master = "MASTER";
    public const string Unknown = "UNKNOWN";

    public static (string Health, IReadOnlyList<string> Problems, string? MasterNode) Evaluate(int revision, IReadOnlyList<MemberStatusView> members)
    {
        var problems = new List<string>();
        var masters = members.Where(m => m.Connected && m.State == Master).Select(m => m.Node).ToList();
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

            if (member.Drift)
            {
                drift = true;
                problems.Add(member.AppliedRevision is > 0 and var applied
                    ? string.Create(CultureInfo.InvariantCulture, $"{member.Node} runs revision {applied} of {revision}")
                    : string.Create(CultureInfo.InvariantCulture, $"{member.Node} does not run revision {revision} yet"));
            }

            if (member.State is "FAULT")
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
            > 1 => Health.SplitBrain,
            0 when unreachable => Health.Unreachable,
            0 => Health.NoMaster,
            _ when unreachable => Health.Unreachable,
            _ when drift => Health.Drift,
            _ => Health.Ok,
        };
        if (health == Health.NoMaster)
        {
            problems.Insert(0, "no member is MASTER");
        }

        return (health, problems, masters.Count == 1 ? masters[0] : null);
    }
}
