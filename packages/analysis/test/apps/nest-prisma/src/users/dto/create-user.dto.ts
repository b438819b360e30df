import { PartialType } from '@nestjs/mapped-types';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsEmail, IsEnum, IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';

export enum Role {
  CUSTOMER = 'CUSTOMER',
  STAFF = 'STAFF',
  ADMIN = 'ADMIN',
}

export class CreateUserDto {
  @IsEmail()
  email!: string;

  @IsString()
  @Length(1, 120)
  name!: string;
}

export class UpdateUserDto extends PartialType(CreateUserDto) {}

export class ChangeRoleDto {
  @IsEnum(Role)
  role!: Role;
}

export class ListUsersQuery {
  @IsOptional()
  @IsString()
  search?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  skip = 0;
}

export class OrderLineDto {
  @IsString()
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;

  @Type(() => Number)
  @Min(0)
  unitPrice!: number;
}

export class PlaceOrderDto {
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  @ArrayMaxSize(50)
  lines!: OrderLineDto[];
}
