import { Args, Field, ID, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { PrismaService } from '../prisma/prisma.service';

@ObjectType()
export class Author {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;
}

@ObjectType()
export class Post {
  @Field(() => Int)
  id!: number;

  @Field()
  title!: string;

  @Field()
  body!: string;

  @Field()
  published!: boolean;

  authorId!: string;
}

@Resolver(() => Post)
export class PostsResolver {
  constructor(private readonly prisma: PrismaService) {}

  @Query(() => [Post])
  async feed(@Args('take', { type: () => Int, defaultValue: 20 }) take: number) {
    // expect: router-db-call
    return this.prisma.post.findMany({ where: { published: true }, orderBy: { createdAt: 'desc' }, take });
  }

  @ResolveField(() => Author)
  async author(@Parent() post: Post) {
    // expect: router-db-call
    return this.prisma.user.findUniqueOrThrow({ where: { id: post.authorId }, select: { id: true, name: true } });
  }

  // expect: operation
  @Mutation(() => Post)
  async publishPost(@Args('id', { type: () => Int }) id: number) {
    // expect: router-db-call
    return this.prisma.post.update({ where: { id }, data: { published: true, publishedAt: new Date() } });
  }
}
