"""trust: a session token per user (sessions that can be revoked) and the date an account was
deleted (what must stay is kept anonymously)

Every existing user gets a random session token of their own; sessions signed in before this
migration end (their cookie carries no token), so everyone signs in once more.

Revision ID: 5c1e9a7b3f20
Revises: d0e832f87692
Create Date: 2026-11-30 19:10:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '5c1e9a7b3f20'
down_revision = 'd0e832f87692'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('session_token')
