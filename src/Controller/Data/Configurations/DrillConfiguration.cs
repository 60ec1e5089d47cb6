using HaCluster.Controller.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class DrillConfiguration : IEntityTypeConfiguration<DrillEntity>
{
    public void Configure(EntityTypeBuilder<DrillEntity> builder)
    {
        builder.ToTable("drills");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.GroupName).HasMaxLength(64);
        builder.Property(d => d.StartedBy).HasMaxLength(256);
        builder.Property(d => d.Detail).HasMaxLength(4000);
        builder.HasIndex(d => new { d.GroupName, d.StartedAt });
    }
}
