using System.Net;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Config;

namespace HaCluster.Controller.Groups;

internal static class GroupVipRules
{
    /// <summary>Linux IFNAMSIZ less its NUL: an address label is stored like an interface name.</summary>
    private const int MaxLabelLength = 15;

    /// <summary>Checks each VIP; returns the parsed address at each index (null where it did not parse).</summary>
    public static IReadOnlyList<IPAddress?> Check(VipGroup group, GroupErrorList errors)
    {
        var vips = group.VirtualIps;
        if (vips.IsEmpty)
        {
            errors.Add("virtualIps", "at least one virtual IP is required");
        }

        var parsed = new IPAddress?[vips.Length];
        var firstIndex = new Dictionary<IPAddress, int>();
        for (var i = 0; i < vips.Length; i++)
        {
            if (vips[i] is not { } vip)
            {
                errors.Add($"virtualIps[{i}]", "must be an object, not null");
                continue;
            }

            parsed[i] = CheckAddress(vip, $"virtualIps[{i}]", errors);
            if (parsed[i] is { } address && !firstIndex.TryAdd(address, i))
            {
                errors.Add($"virtualIps[{i}].address", $"{address} is already listed at virtualIps[{firstIndex[address]}]");
            }

            CheckDeviceAndLabel(vip, group.Interface, $"virtualIps[{i}]", errors);
        }

        return parsed;
    }

    private static IPAddress? CheckAddress(Vip vip, string at, GroupErrorList errors)
    {
        if (!Ipv4.TryParseWithPrefix(vip.Address, out var address, out _))
        {
            errors.Add($"{at}.address", $"'{vip.Address}' is not an IPv4 address with an optional /prefix 0–32");
            return null;
        }

        if (!Ipv4.IsUnicast(address))
        {
            errors.Add($"{at}.address", $"{address} cannot be a virtual IP: it is not a unicast address");
            return null;
        }

        return address;
    }

    private static void CheckDeviceAndLabel(Vip vip, string? groupInterface, string at, GroupErrorList errors)
    {
        if (vip.Device is not null && !InterfaceNames.IsValid(vip.Device))
        {
            errors.Add($"{at}.device", $"'{vip.Device}' is not a valid Linux interface name (1–15 characters, no '/', ':' or whitespace)");
        }

        if (vip.Label is not { } label)
        {
            return;
        }

        // The kernel refuses a label that does not begin with its device's name.
        var prefix = $"{vip.Device ?? groupInterface}:";
        if (!label.StartsWith(prefix, StringComparison.Ordinal) || label.Length == prefix.Length)
        {
            errors.Add($"{at}.label", $"'{label}' must start with '{prefix}' followed by a suffix");
        }

        if (label.Length > MaxLabelLength || label.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add($"{at}.label", $"'{label}' must be at most {MaxLabelLength} characters without whitespace");
        }
    }
}
