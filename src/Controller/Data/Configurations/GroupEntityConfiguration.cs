using HaCluster.Controller.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class GroupEntityConfiguration : IEntityTypeConfiguration<GroupEntity>
{
    public void Configure(EntityTypeBuilder<GroupEntity> builder)
    {
        builder.ToTable("groups");
        builder.HasKey(g => g.Name);
        builder.Property(g => g.Name).HasMaxLength(64);
        builder.Property(g => g.Json).IsRequired();
        builder.Property(g => g.Revision).IsConcurrencyToken();
    }
}
