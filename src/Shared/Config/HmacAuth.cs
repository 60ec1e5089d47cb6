using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using HaCluster.Shared.Collections;

namespace HaCluster.Shared.Config;

/// <summary>How a receiver treats adverts without a valid trailer (keepalived 2.4's <c>mode</c>): the rollout is receive-only → permissive → enforce.</summary>
public enum HmacMode
{
    /// <summary>Sign, and accept only adverts with a valid trailer (the default).</summary>
    Enforce,

    /// <summary>Sign, and also accept adverts without a trailer (a present one must verify).</summary>
    Permissive,

    /// <summary>Do not sign; verify a trailer when one is present, accept adverts without one.</summary>
    ReceiveOnly,
}

/// <summary>What a replay mark is measured against: the wall clock (a window of seconds) or only the last sequence seen.</summary>
public enum AntiReplay
{
    Time,
    Monotonic,
}

/// <summary>One HMAC key: id 1..255, 32..64 bytes. Its value never appears in text made from it.</summary>
public sealed record HmacKey(byte Id, EquatableArray<byte> Value)
{
    public SourceLocation Location { get; init; }

    public override string ToString() => $"key {Id} (redacted)";
}

/// <summary>keepalived 2.4's <c>auth_hmac { key ID VALUE; active_key ID; anti_replay time|monotonic; time_window S; mode ... }</c>.</summary>
public sealed record HmacAuthConfig
{
    public const int MinKeyBytes = 32;
    public const int MaxKeyBytes = 64;
    public const int MaxTimeWindowSeconds = 300;

    public EquatableArray<HmacKey> Keys { get; init; } = [];

    public byte ActiveKey { get; init; }

    public AntiReplay AntiReplay { get; init; } = AntiReplay.Time;

    /// <summary>Set by <c>time_window</c>; otherwise <see cref="Window"/> derives it from the advert interval.</summary>
    public TimeSpan? TimeWindow { get; init; }

    public HmacMode Mode { get; init; } = HmacMode.Enforce;

    public SourceLocation Location { get; init; }

    /// <summary>Whether adverts go out signed (all modes but receive-only).</summary>
    public bool Signs => Mode != HmacMode.ReceiveOnly;

    /// <summary>Whether an advert without a trailer is refused (enforce).</summary>
    public bool RequiresTrailer => Mode == HmacMode.Enforce;

    public HmacKey? Key(byte id)
    {
        foreach (var key in Keys)
        {
            if (key.Id == id)
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>The accepted clock difference: <c>time_window</c>, else max(3 × advert_int in whole seconds, 5 s), at most 300 s.</summary>
    public TimeSpan Window(TimeSpan advertInterval) =>
        TimeWindow ?? TimeSpan.FromSeconds(Math.Min(MaxTimeWindowSeconds, Math.Max(3 * (long)advertInterval.TotalSeconds, 5)));

    public static string ModeName(HmacMode mode) => mode switch
    {
        HmacMode.Permissive => "permissive",
        HmacMode.ReceiveOnly => "receive-only",
        _ => "enforce",
    };

    /// <summary>A key as the renderer writes it: <c>hex:</c> and its bytes.</summary>
    public static string HexValue(HmacKey key) => "hex:" + Convert.ToHexStringLower(key.Value.AsSpan());
}

/// <summary>Parses the <c>auth_hmac</c> block, each problem at its file:line.</summary>
internal static class HmacAuthBlock
{
    private const int MaxKeyFileBytes = 4096;

    public static HmacAuthConfig? Parse(ConfigStatement block, DiagnosticBag d)
    {
        if (!block.RequireBlock(d))
        {
            return null;
        }

        var config = new HmacAuthConfig { Location = block.Location };
        var keys = ImmutableArray.CreateBuilder<HmacKey>();
        SourceLocation? activeAt = null;
        foreach (var s in block.Children)
        {
            switch (s.Keyword)
            {
                case "key":
                    if (Key(s, d) is { } key)
                    {
                        if (keys.Any(k => k.Id == key.Id))
                        {
                            d.Error(s.Location, $"auth_hmac: key {key.Id} is defined twice");
                        }
                        else
                        {
                            keys.Add(key);
                        }
                    }

                    break;
                case "active_key":
                    activeAt = s.Location;
                    config = s.TryInt(d, 1, 255, out var active) ? config with { ActiveKey = (byte)active } : config;
                    break;
                case "anti_replay":
                    config = s.TryValue(d, out var replay) ? replay switch
                    {
                        "time" => config with { AntiReplay = AntiReplay.Time },
                        "monotonic" => config with { AntiReplay = AntiReplay.Monotonic },
                        _ => Refuse(config, s, d, $"anti_replay: '{replay}' is not time or monotonic"),
                    } : config;
                    break;
                case "time_window":
                    config = s.TryInt(d, 1, HmacAuthConfig.MaxTimeWindowSeconds, out var window) ? config with { TimeWindow = TimeSpan.FromSeconds(window) } : config;
                    break;
                case "mode":
                    config = s.TryValue(d, out var mode) ? mode switch
                    {
                        "enforce" => config with { Mode = HmacMode.Enforce },
                        "permissive" => config with { Mode = HmacMode.Permissive },
                        "receive-only" => config with { Mode = HmacMode.ReceiveOnly },
                        _ => Refuse(config, s, d, $"mode: '{mode}' is not enforce, permissive or receive-only"),
                    } : config;
                    break;
                default:
                    s.WarnUnknown(d);
                    break;
            }
        }

        config = config with { Keys = keys.ToImmutable() };
        if (keys.Count == 0)
        {
            d.Error(block.Location, "auth_hmac: no key (key ID hex:... | TEXT | file:PATH, 32 to 64 bytes)");
            return null;
        }

        if (config.Key(config.ActiveKey) is null)
        {
            d.Error(activeAt ?? block.Location, config.ActiveKey == 0
                ? "auth_hmac: active_key is required (the id of the key that signs)"
                : $"auth_hmac: active_key {config.ActiveKey} names no configured key ({string.Join(", ", keys.Select(k => k.Id))})");
            return null;
        }

        return config;
    }

    private static HmacAuthConfig Refuse(HmacAuthConfig config, ConfigStatement s, DiagnosticBag d, string message)
    {
        d.Error(s.Location, message);
        return config;
    }

    private static HmacKey? Key(ConfigStatement s, DiagnosticBag d)
    {
        if (s.Args.Length != 2)
        {
            d.Error(s.Location, "auth_hmac: 'key' takes an id and a value: key ID hex:... | TEXT | file:PATH");
            return null;
        }

        if (!byte.TryParse(s.Args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id == 0)
        {
            d.Error(s.Location, $"auth_hmac: key id '{s.Args[0]}' is not 1 to 255");
            return null;
        }

        var value = s.Args[1];
        if (value.StartsWith("file:", StringComparison.Ordinal))
        {
            value = ReadKeyFile(value["file:".Length..], s, d) ?? "";
            if (value.Length == 0)
            {
                return null;
            }
        }

        var bytes = Decode(value, s, d, id);
        if (bytes is null)
        {
            return null;
        }

        if (bytes.Length is < HmacAuthConfig.MinKeyBytes or > HmacAuthConfig.MaxKeyBytes)
        {
            // The value itself is never repeated in a message.
            d.Error(s.Location, $"auth_hmac: key {id} has {bytes.Length} bytes; a key has {HmacAuthConfig.MinKeyBytes} to {HmacAuthConfig.MaxKeyBytes}");
            return null;
        }

        return new HmacKey(id, bytes.ToImmutableArray()) { Location = s.Location };
    }

    private static byte[]? Decode(string value, ConfigStatement s, DiagnosticBag d, byte id)
    {
        if (!value.StartsWith("hex:", StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(value);
        }

        try
        {
            return Convert.FromHexString(value.AsSpan(4));
        }
        catch (FormatException)
        {
            d.Error(s.Location, $"auth_hmac: key {id}: 'hex:' must be followed by an even number of hex digits");
            return null;
        }
    }

    private static string? ReadKeyFile(string path, ConfigStatement s, DiagnosticBag d)
    {
        if (!Path.IsPathRooted(path) && Path.GetDirectoryName(s.Location.File) is { Length: > 0 } dir)
        {
            path = Path.Combine(dir, path);
        }

        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                d.Error(s.Location, $"auth_hmac: key file '{path}' does not exist");
                return null;
            }

            if (info.Length > MaxKeyFileBytes)
            {
                d.Error(s.Location, $"auth_hmac: key file '{path}' is larger than {MaxKeyFileBytes} bytes");
                return null;
            }

            if (!OperatingSystem.IsWindows() && (info.UnixFileMode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                d.Warning(s.Location, $"auth_hmac: key file '{path}' can be read or changed by its group or others (chmod 600 it)");
            }

            return File.ReadAllText(path).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            d.Error(s.Location, $"auth_hmac: cannot read key file '{path}': {e.Message}");
            return null;
        }
    }
}
