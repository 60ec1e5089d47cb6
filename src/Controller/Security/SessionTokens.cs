using System.Security.Claims;
using System.Security.Cryptography;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Tls;
using HaCluster.Shared.Vocabulary;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HaCluster.Controller.Security;

/// <summary>
/// The session a local user gets from <c>POST /api/v1/session</c>: a JWT signed by this controller (HMAC-SHA256 with a
/// 256-bit key kept 0600 in its data directory), carrying the user, the role and the user's stamp; sent back as
/// <c>Authorization: Bearer</c> by the dashboard or a script, and checked by ASP.NET Core's JwtBearer handler.
/// </summary>
public sealed class SessionTokens
{
    public const string Issuer = "hacluster-controller";
    public const string Audience = "hacluster";
    public const string StampClaim = "hacluster:stamp";
    private readonly TimeProvider _clock;
    private readonly TimeSpan _lifetime;

    public SessionTokens(IOptions<AccessOptions> options, IOptions<StorageOptions> storage, TimeProvider clock)
    {
        (_clock, _lifetime) = (clock, options.Value.SessionLifetime);
        var path = options.Value.ResolveSessionKeyPath(storage.Value);
        if (!File.Exists(path))
        {
            PrivateFiles.EnsureDirectory(Path.GetDirectoryName(path)!);
            PrivateFiles.Write(path, RandomNumberGenerator.GetBytes(32));
        }
        else if (PrivateFiles.TooOpen(path, "the session signing key") is { } open)
        {
            throw new InvalidOperationException($"Auth:SessionKeyPath: {open}");
        }

        Key = new SymmetricSecurityKey(File.ReadAllBytes(path)) { KeyId = "session" };
    }

    public SecurityKey Key { get; }

    public (string Token, DateTimeOffset ExpiresAt) Create(LocalUser user, string stamp)
    {
        var now = _clock.GetUtcNow();
        var expires = now + _lifetime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = user.Name, ["role"] = user.Role.Name(), [StampClaim] = stamp },
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "sub",
        RoleClaimType = "role",
    };

    /// <summary>The issuer of a bearer JWT, read without checking it (only to pick the handler that will).</summary>
    public static string? PeekIssuer(string token)
    {
        try
        {
            return new JsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The caller as every scheme makes it: the name, the role, and how they proved it.</summary>
    public static ClaimsPrincipal Principal(string name, Role role, string scheme, params Claim[] extra) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role.Name()), .. extra], scheme, ClaimTypes.Name, ClaimTypes.Role));
}
