import { useApolloClient } from '@apollo/client/react';
import { useNavigate, useSearchParams } from 'react-router';
import { signIn } from '../../features/auth/api/session.js';
import { SignInForm } from '../../features/auth/components/sign-in-form.js';
import { safeReturnPath } from '../../features/auth/model/navigation.js';

export function SignInPage() {
  const client = useApolloClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <div className="sign-in-page">
      <SignInForm
        onSubmit={async (email, password) => {
          const error = await signIn(email, password);
          if (error) return error;
          await client.clearStore();
          navigate(safeReturnPath(params.get('next')), { replace: true });
          return null;
        }}
      />
    </div>
  );
}
