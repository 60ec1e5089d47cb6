using HaCluster.Shared.Vocabulary;
using Microsoft.AspNetCore.Authorization;

namespace HaCluster.Controller.Security;

/// <summary>
/// Who may call what, by role (from the caller's certificate, API key or bearer token: <see cref="SignIn"/>). Every endpoint names one
/// of these or is explicitly anonymous; one that names none meets the fallback policy, which refuses everyone — a route
/// added later is closed until someone decides who may use it.
/// </summary>
public static class Policies
{
    /// <summary>The agent link: agents only, each as its own node.</summary>
    public const string Agent = "agent";

    /// <summary>Reading groups, nodes, events, configs, metrics: viewer, operator, admin.</summary>
    public const string Read = "read";

    /// <summary>The day-to-day actions (maintenance, switchover, acknowledging alerts): operator, admin.</summary>
    public const string Operate = "operate";

    /// <summary>Changing groups and credentials: admin.</summary>
    public const string Admin = "admin";

    public static IServiceCollection AddControllerAuthorization(this IServiceCollection services) =>
        services.AddAuthorizationBuilder()
            .AddPolicy(Agent, p => p.RequireAuthenticatedUser().RequireRole(Role.Agent.Name()))
            .AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireRole(Role.Viewer.Name(), Role.Operator.Name(), Role.Admin.Name()))
            .AddPolicy(Operate, p => p.RequireAuthenticatedUser().RequireRole(Role.Operator.Name(), Role.Admin.Name()))
            .AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Role.Admin.Name()))
            .SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(Role.Admin.Name()).Build())
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireAssertion(_ => false).Build())
            .Services;
}
