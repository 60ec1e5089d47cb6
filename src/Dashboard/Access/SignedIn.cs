using System.Security.Claims;
using Grpc.Core;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Dashboard.Access;

/// <summary>
/// The signed-in person as the dashboard keeps them in its encrypted session cookie: the name and role the controller
/// said (<c>GET /api/v1/me</c>), how they signed in, and the controller bearer token every call is made with. The
/// dashboard decides nothing from the role but what to show: the controller authorizes each call.
/// </summary>
public static class SignedIn
{
    public const string NameClaim = "name";
    public const string RoleClaim = "role";
    public const string TokenClaim = "hc_token";
    public const string ViaClaim = "hc_via";

    /// <summary>The cookie scheme's identity type, also the authentication type of the principal.</summary>
    public const string Scheme = "Cookies";

    public static ClaimsPrincipal Principal(string name, string role, string via, string token) =>
        new(new ClaimsIdentity(
            [new Claim(NameClaim, name), new Claim(RoleClaim, role), new Claim(ViaClaim, via), new Claim(TokenClaim, token)],
            Scheme, NameClaim, RoleClaim));

    public static string Name(ClaimsPrincipal user) => user.FindFirst(NameClaim)?.Value ?? "";

    public static string Via(ClaimsPrincipal user) => user.FindFirst(ViaClaim)?.Value ?? "";

    public static Role Role(ClaimsPrincipal user) => Names.TryParse(user.FindFirst(RoleClaim)?.Value, out Role role) ? role : Shared.Vocabulary.Role.Unspecified;

    public static string? Token(ClaimsPrincipal user) => user.FindFirst(TokenClaim)?.Value;

    /// <summary>The headers that make a gRPC call the person's own (none when signed out: the controller then refuses it).</summary>
    public static Metadata Headers(ClaimsPrincipal user) => Token(user) is { } token ? new Metadata { { "Authorization", "Bearer " + token } } : [];

    /// <summary>Whether the person's role allows <paramref name="needed"/>.</summary>
    public static bool Can(ClaimsPrincipal user, Role needed) => Role(user).Grants(needed);

    /// <summary>Why an action is disabled, for its tooltip: "Deleting groups needs the admin role; you are a viewer."</summary>
    public static string Why(ClaimsPrincipal user, Role needed, string action) =>
        $"{action} needs the {needed.Name()} role; you are signed in as {Role(user).Name()}.";

    /// <summary>A return address only if it stays on this site ("/x", never "//host" or "/\host").</summary>
    public static string LocalPath(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
