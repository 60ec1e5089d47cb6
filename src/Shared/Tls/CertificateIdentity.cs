using System.Security.Cryptography.X509Certificates;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Shared.Tls;

/// <summary>
/// Who a client certificate names: CN is the name (a node's, a person's or a tool's), OU the <see cref="Role"/>. The
/// controller's own CA issues only such subjects; a site's PKI issues agents' certificates the same way.
/// </summary>
public static class CertificateIdentity
{
    private const string CommonName = "2.5.4.3";
    private const string OrganizationalUnit = "2.5.4.11";

    public static X500DistinguishedName Subject(string name, Role role)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("HaCluster");
        subject.AddOrganizationalUnitName(role.Name());
        subject.AddCommonName(name);
        return subject.Build();
    }

    /// <summary>The name and role of <paramref name="certificate"/>, or why it names none (one CN, one OU that is a role).</summary>
    public static bool TryRead(X509Certificate2 certificate, out string name, out Role role, out string problem)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        (name, role, problem) = ("", Role.Unspecified, "");
        string? cn = null, ou = null;
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            var oid = rdn.GetSingleElementType().Value;
            if (oid == CommonName)
            {
                if (cn is not null)
                {
                    problem = "the certificate's subject has more than one CN";
                    return false;
                }

                cn = rdn.GetSingleElementValue();
            }
            else if (oid == OrganizationalUnit)
            {
                if (ou is not null)
                {
                    problem = "the certificate's subject has more than one OU";
                    return false;
                }

                ou = rdn.GetSingleElementValue();
            }
        }

        if (!NodeName.IsValid(cn))
        {
            problem = $"the certificate's CN '{cn}' is not a name ({NodeName.Rule})";
            return false;
        }

        if (!Names.TryParse(ou, out role) || role == Role.Unspecified)
        {
            problem = $"the certificate's OU '{ou}' is not a role ({string.Join(", ", Names.All<Role>())})";
            return false;
        }

        name = cn!;
        return true;
    }
}
