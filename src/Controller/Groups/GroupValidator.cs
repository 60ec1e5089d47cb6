using System.Globalization;
using System.Text;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Config;

namespace HaCluster.Controller.Groups;

/// <summary>
/// Checks a group before it is saved or rendered. Never throws on JSON-bound input (nulls, missing arrays):
/// every problem becomes a <see cref="GroupError"/> at its JSON path, and all of them are returned together.
/// </summary>
public static class GroupValidator
{
    private const int MaxNameLength = 64;
    private const int MaxAuthPassBytes = 8;
    private const double MaxPreemptDelaySeconds = 1000;

    /// <summary>Members and VIPs a group may have: every check below stays small, whatever is sent.</summary>
    public const int MaxMembers = 64;

    public const int MaxVirtualIps = 64;

    /// <param name="group">The group to check.</param>
    /// <param name="others">The other saved groups; one with the same name is the group being replaced and is ignored.</param>
    /// <param name="nodes">What the agents reported, by node name; null skips the checks against real nodes.</param>
    public static IReadOnlyList<GroupError> Validate(
        VipGroup group, IReadOnlyCollection<VipGroup> others, IReadOnlyDictionary<string, NodeFacts>? nodes = null)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(others);
        var errors = new GroupErrorList();
        if (group.Members.Length > MaxMembers || group.VirtualIps.Length > MaxVirtualIps)
        {
            // Refused before any other check looks at the lists (nothing here grows with what was sent).
            if (group.Members.Length > MaxMembers)
            {
                errors.Add("members", $"at most {MaxMembers} members, found {group.Members.Length}");
            }

            if (group.VirtualIps.Length > MaxVirtualIps)
            {
                errors.Add("virtualIps", $"at most {MaxVirtualIps} virtual IPs, found {group.VirtualIps.Length}");
            }

            return errors.ToList();
        }

        CheckIdentity(group, errors);
        CheckTiming(group, errors);
        CheckAuthentication(group, errors);
        var vips = GroupVipRules.Check(group, errors);
        GroupMemberRules.Check(group, vips, errors);
        GroupConflictRules.Check(group, vips, others, errors);
        if (nodes is not null)
        {
            GroupConflictRules.CheckNodes(group, nodes, errors);
        }

        return errors.ToList();
    }

    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    private static void CheckIdentity(VipGroup group, GroupErrorList errors)
    {
        if (string.IsNullOrEmpty(group.Name))
        {
            errors.Add("name", "a name is required");
        }
        else if (!IsValidName(group.Name))
        {
            errors.Add("name", $"'{group.Name}' is not a valid name: 1–{MaxNameLength} characters from A-Z a-z 0-9 _ . -");
        }

        if (group.Vrid is < 1 or > 255)
        {
            errors.Add("vrid", $"{group.Vrid} is not a virtual router id: it must be 1–255");
        }

        if (group.Interface is null || !InterfaceNames.IsValid(group.Interface))
        {
            errors.Add("interface", $"'{group.Interface}' is not a valid Linux interface name (1–15 characters, no '/', ':' or whitespace)");
        }
    }

    private static void CheckTiming(VipGroup group, GroupErrorList errors)
    {
        var seconds = group.AdvertInterval;
        if (group.Version is not (2 or 3))
        {
            errors.Add("version", $"{group.Version} is not a VRRP version: it must be 2 or 3");
        }
        else if (group.Version == 2 && !(double.IsFinite(seconds) && seconds == Math.Floor(seconds) && seconds is >= 1 and <= 255))
        {
            // RFC 3768 §5.3.7: an 8-bit count of whole seconds.
            errors.Add("advertInterval", $"{Show(seconds)} is not valid for VRRPv2: whole seconds 1–255");
        }
        else if (group.Version == 3 && !IsCentiseconds(seconds))
        {
            // RFC 5798 §5.2.7: a 12-bit count of centiseconds.
            errors.Add("advertInterval", $"{Show(seconds)} is not valid for VRRPv3: 0.01–40.95 seconds in steps of 0.01");
        }

        if (!double.IsFinite(group.Linger) || group.Linger is < 0 or > VipGroup.MaxLingerSeconds)
        {
            errors.Add("linger", $"{Show(group.Linger)} is not valid: it must be 0–{VipGroup.MaxLingerSeconds} seconds");
        }

        if (group.DrillSchedule is { } schedule && !DrillSchedules.TryParse(schedule, out _))
        {
            errors.Add("drillSchedule", $"'{schedule}' is not a cron expression (UTC: minute hour day month weekday, as \"0 3 * * 1\", or seconds first)");
        }

        if (group.DrillLimitMs is < 10 or > 60_000)
        {
            errors.Add("drillLimitMs", $"{group.DrillLimitMs} is not valid: it must be 10–60000 ms");
        }

        if (group.Primary is { Length: > 0 } primary && !group.Members.Any(m => m?.Node == primary))
        {
            errors.Add("primary", $"'{primary}' is not a member of the group");
        }

        if (!double.IsFinite(group.PreemptDelay) || group.PreemptDelay is < 0 or > MaxPreemptDelaySeconds)
        {
            errors.Add("preemptDelay", $"{Show(group.PreemptDelay)} is not valid: it must be 0–{MaxPreemptDelaySeconds} seconds");
        }
        else if (group.PreemptDelay > 0 && !group.Preempt)
        {
            // keepalived drops preempt_delay under nopreempt ("incompatible with nopreempt mode").
            errors.Add("preemptDelay", "has no effect without preempt: set it to 0 or enable preempt");
        }
    }

    private static bool IsCentiseconds(double seconds)
    {
        var centiseconds = seconds * 100;
        return double.IsFinite(centiseconds)
            && Math.Abs(centiseconds - Math.Round(centiseconds)) < 1e-6
            && Math.Round(centiseconds) is >= 1 and <= 4095;
    }

    private static void CheckAuthentication(VipGroup group, GroupErrorList errors)
    {
        if (group.Auth is not (null or "none" or "pass" or VipGroup.Hmac))
        {
            errors.Add("auth", $"'{group.Auth}' is not none, pass or hmac");
        }

        var pass = group.AuthPass;
        if (group.Auth == "pass" && string.IsNullOrEmpty(pass))
        {
            errors.Add("authPass", "is required with \"auth\": \"pass\"");
        }

        if (string.IsNullOrEmpty(pass))
        {
            return;
        }

        if (group.UsesHmac || group.Auth == "none")
        {
            errors.Add("authPass", $"not with \"auth\": \"{group.Auth}\" ({(group.UsesHmac ? "HMAC-signed adverts carry no password" : "no authentication")}): leave it out");
            return;
        }

        if (group.Version == 3)
        {
            errors.Add("authPass", "VRRPv3 has no authentication (RFC 5798 removed it): leave authPass out or use version 2");
            return;
        }

        if (Encoding.UTF8.GetByteCount(pass) > MaxAuthPassBytes)
        {
            errors.Add("authPass", $"is {Encoding.UTF8.GetByteCount(pass)} bytes; VRRPv2 carries at most {MaxAuthPassBytes} (keepalived would truncate it)");
        }

        // keepalived.conf has no escaping for auth_pass: these would end the word or start a comment.
        if (!pass.All(c => c is > ' ' and < '\u007f' and not ('#' or '!' or '"' or '{' or '}')))
        {
            errors.Add("authPass", "must be printable ASCII without spaces or any of # ! \" { }");
        }
    }

    internal static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
}
